/**
 * The price walk of a US stock on the NYSE calendar, in trading time. Each trading day has four
 * knots: the log price at the pre-market open (4:00 ET), the regular open (9:30), the regular
 * close (16:00, or 13:00 on an early-close day) and the end of after-hours (20:00, or 17:00). The
 * knots are one sequential walk from `WALK_FIRST_DAY`; between two knots of a day, the minute
 * levels are a Brownian bridge of fat-tailed minute returns, as the simulator's calendar-day
 * walk has between two midnights. Nights, weekends and holidays have no levels of their own: the
 * walk steps from one day's after-hours end to the next day's pre-market open by a small
 * overnight gap, so the next session continues from the last trade.
 *
 * The variance per minute is a regular minute's in the regular session, a quarter of it in
 * extended hours, and the overnight gap holds the equivalent of twenty regular minutes per
 * calendar day; the symbol's annual volatility is spread over 252 such trading days.
 *
 * Every instant here is in epoch ms and every session boundary is a whole UTC minute (New York's
 * offsets are whole hours), so a minute is entirely of one kind.
 */

import {
  MINUTE_KIND,
  type MinuteKind,
  type PriceWalk,
  REVERSION,
  SIM_EPOCH,
  SIM_FIRST_DAY,
  STREAM,
} from "./price-walk.ts";
import { DrawStream } from "./random.ts";
import {
  dayNumber,
  HOUR_MS,
  MINUTE_MS,
  newYorkDay,
  newYorkInstant,
  nyseDayKind,
} from "./sessions/index.ts";
import type { SimSpec } from "./sim-spec.ts";

/** The walk's first day (New York's date); earlier instants are closed. */
const WALK_FIRST_DAY = SIM_FIRST_DAY;
/** Its horizon: later instants are closed too, so that no answer grows memory without bound. */
const WALK_LAST_DAY = dayNumber(2200, 1, 1);

const TRADING_DAYS_PER_YEAR = 252;
/** Variance of an extended-hours minute, relative to a regular one. */
const EXTENDED_VARIANCE = 0.25;
/** Variance of the overnight gap per calendar day, in regular minutes. */
const GAP_MINUTES_PER_DAY = 20;
/** Trades in extended hours are this much smaller than in the regular session. */
const EXTENDED_SIZE = 0.3;

const PRE_OPEN = 4 * HOUR_MS;
const OPEN = 9 * HOUR_MS + 30 * MINUTE_MS;
const CLOSE = 16 * HOUR_MS;
const POST_CLOSE = 20 * HOUR_MS;
const EARLY_CLOSE = 13 * HOUR_MS;
const EARLY_POST_CLOSE = 17 * HOUR_MS;
const PRE_MINUTES = (OPEN - PRE_OPEN) / MINUTE_MS;
const POST_MINUTES = (POST_CLOSE - CLOSE) / MINUTE_MS;

const SEGMENT_CACHE = 8;

/** Segments of a trading day, each bridged between two of its knots. */
const PRE = 0;
const REGULAR = 1;
const POST = 2;

/**
 * The NYSE's trading days from `WALK_FIRST_DAY` with their session instants, built as far as
 * asked and shared by every walk, the calendar being the same for every symbol.
 */
class TradingDays {
  readonly days: number[] = [];
  readonly preOpens: number[] = [];
  readonly opens: number[] = [];
  readonly closes: number[] = [];
  readonly postCloses: number[] = [];
  /** For each calendar day from `WALK_FIRST_DAY`, the index of the last trading day on or before it. */
  readonly floorIndex: number[] = [];
  // The New York day of the last instant asked about, and the instants it spans.
  private dayStart = Number.NaN;
  private dayEnd = Number.NaN;
  private day = Number.NaN;

  extendTo(day: number): void {
    const last = Math.min(day, WALK_LAST_DAY + 15);
    for (let d = WALK_FIRST_DAY + this.floorIndex.length; d <= last; d++) {
      const kind = nyseDayKind(d);
      if (kind === "full" || kind === "early") {
        // No daylight-saving switch falls between 4:00 and 20:00 of a weekday.
        const pre = newYorkInstant(d, PRE_OPEN);
        const early = kind === "early";
        this.days.push(d);
        this.preOpens.push(pre);
        this.opens.push(pre + OPEN - PRE_OPEN);
        this.closes.push(pre + (early ? EARLY_CLOSE : CLOSE) - PRE_OPEN);
        this.postCloses.push(pre + (early ? EARLY_POST_CLOSE : POST_CLOSE) - PRE_OPEN);
      }
      this.floorIndex.push(this.days.length - 1);
    }
  }

  /** New York's date at `time`, remembering the day last asked about. */
  dayOf(time: number): number {
    if (time >= this.dayStart && time < this.dayEnd) return this.day;
    const day = newYorkDay(time);
    if (!Number.isFinite(day)) return day;
    this.day = day;
    this.dayStart = newYorkInstant(day, 0);
    this.dayEnd = newYorkInstant(day + 1, 0);
    return day;
  }
}

const TRADING_DAYS = new TradingDays();

export class SessionWalk implements PriceWalk {
  readonly pinsCloses = true;
  private readonly anchor: number;
  /** Std dev of a regular minute's log return. */
  private readonly sigma: number;
  private readonly knotDraws: DrawStream;
  private readonly minuteDraws: DrawStream;

  private readonly days = TRADING_DAYS.days;
  private readonly preOpens = TRADING_DAYS.preOpens;
  private readonly opens = TRADING_DAYS.opens;
  private readonly closes = TRADING_DAYS.closes;
  private readonly postCloses = TRADING_DAYS.postCloses;
  private readonly floorIndex = TRADING_DAYS.floorIndex;
  /** Four log levels per trading day: pre-market open, open, close, after-hours end. */
  private readonly knots: number[] = [];
  private readonly segments = new Map<number, Float64Array>();

  constructor(spec: SimSpec) {
    this.anchor = Math.log(spec.startPrice);
    const minutesPerDay =
      CLOSE / MINUTE_MS -
      OPEN / MINUTE_MS +
      EXTENDED_VARIANCE * (PRE_MINUTES + POST_MINUTES) +
      (GAP_MINUTES_PER_DAY * 365) / TRADING_DAYS_PER_YEAR;
    this.sigma = spec.volatility / Math.sqrt(TRADING_DAYS_PER_YEAR * minutesPerDay);
    this.knotDraws = new DrawStream(spec.seed, STREAM.knot);
    this.minuteDraws = new DrawStream(spec.seed, STREAM.sessionMinute);
  }

  minuteSigma(kind: MinuteKind): number {
    return kind === MINUTE_KIND.regular ? this.sigma : this.sigma * Math.sqrt(EXTENDED_VARIANCE);
  }

  /** U-shaped over the regular session (heavy at the open and close), small in extended hours. */
  sizeFactor(start: number, kind: MinuteKind): number {
    if (kind !== MINUTE_KIND.regular) return EXTENDED_SIZE;
    const i = this.indexOfDay(TRADING_DAYS.dayOf(start));
    const open = this.opens[i] as number;
    const x = (start - open) / ((this.closes[i] as number) - open);
    return 0.4 + 2.4 * (2 * x - 1) ** 2;
  }

  opensSession(start: number): boolean {
    const i = this.indexOfDay(TRADING_DAYS.dayOf(start));
    return i >= 0 && this.opens[i] === start;
  }

  minuteKind(start: number): MinuteKind {
    const i = this.indexOfDay(TRADING_DAYS.dayOf(start));
    if (i < 0) return MINUTE_KIND.closed;
    if (start < (this.preOpens[i] as number) || start >= (this.postCloses[i] as number)) {
      return MINUTE_KIND.closed;
    }
    if (start >= (this.opens[i] as number) && start < (this.closes[i] as number)) {
      return MINUTE_KIND.regular;
    }
    return MINUTE_KIND.extended;
  }

  nextOpenMinute(start: number, limit: number): number {
    if (!(start <= limit)) return Number.POSITIVE_INFINITY;
    const day = Math.max(TRADING_DAYS.dayOf(start), WALK_FIRST_DAY);
    if (day > WALK_LAST_DAY) return Number.POSITIVE_INFINITY;
    this.extendTo(day + 15);
    let i = this.floorIndex[day - WALK_FIRST_DAY] as number;
    if (i >= 0 && this.days[i] === day && start < (this.postCloses[i] as number)) {
      const at = Math.max(start, this.preOpens[i] as number);
      return at <= limit ? at : Number.POSITIVE_INFINITY;
    }
    i++;
    const at = this.preOpens[i];
    return at !== undefined && at <= limit ? at : Number.POSITIVE_INFINITY;
  }

  prevOpenMinute(start: number, limit: number): number {
    if (!(start >= limit)) return Number.NEGATIVE_INFINITY;
    const day = Math.min(TRADING_DAYS.dayOf(start), WALK_LAST_DAY);
    if (day < WALK_FIRST_DAY) return Number.NEGATIVE_INFINITY;
    this.extendTo(day);
    let i = this.floorIndex[day - WALK_FIRST_DAY] as number;
    if (i >= 0 && this.days[i] === day && start < (this.preOpens[i] as number)) i--;
    if (i < 0) return Number.NEGATIVE_INFINITY;
    const at = Math.min(start, (this.postCloses[i] as number) - MINUTE_MS);
    return at >= limit ? at : Number.NEGATIVE_INFINITY;
  }

  level(time: number): number {
    const day = Math.min(TRADING_DAYS.dayOf(time), WALK_LAST_DAY);
    if (!(day >= WALK_FIRST_DAY)) return this.anchor;
    this.extendTo(day);
    let i = this.floorIndex[day - WALK_FIRST_DAY] as number;
    if (i >= 0 && this.days[i] === day && time < (this.preOpens[i] as number)) i--;
    if (i < 0) return this.anchor;
    this.ensureKnots(i);
    const k = 4 * i;
    if (time >= (this.postCloses[i] as number)) return this.knots[k + 3] as number;
    const pre = this.preOpens[i] as number;
    const open = this.opens[i] as number;
    const close = this.closes[i] as number;
    if (time === pre) return this.knots[k] as number;
    if (time === open) return this.knots[k + 1] as number;
    if (time === close) return this.knots[k + 2] as number;
    if (time < open) return this.segment(i, PRE)[(time - pre) / MINUTE_MS] as number;
    if (time < close) return this.segment(i, REGULAR)[(time - open) / MINUTE_MS] as number;
    return this.segment(i, POST)[(time - close) / MINUTE_MS] as number;
  }

  /**
   * The regular session of New York's date `day`: its instants and its log levels at the open
   * and the close, without any minute levels. Null on a weekend or holiday.
   */
  session(
    day: number,
  ): { open: number; close: number; openLevel: number; closeLevel: number } | null {
    if (!(day >= WALK_FIRST_DAY && day <= WALK_LAST_DAY)) return null;
    const i = this.indexOfDay(day);
    if (i < 0) return null;
    this.ensureKnots(i);
    return {
      open: this.opens[i] as number,
      close: this.closes[i] as number,
      openLevel: this.knots[4 * i + 1] as number,
      closeLevel: this.knots[4 * i + 2] as number,
    };
  }

  /** Variance of the log price over a regular session of `minutes` minutes. */
  sessionVariance(minutes: number): number {
    return this.sigma * this.sigma * minutes;
  }

  /** The index of trading day `day`, or -1 when `day` has no session. */
  private indexOfDay(day: number): number {
    if (!(day >= WALK_FIRST_DAY && day <= WALK_LAST_DAY)) return -1;
    this.extendTo(day);
    const i = this.floorIndex[day - WALK_FIRST_DAY] as number;
    return i >= 0 && this.days[i] === day ? i : -1;
  }

  private extendTo(day: number): void {
    TRADING_DAYS.extendTo(day);
  }

  /** Knots up to trading day `i`, one day after another from the first. */
  private ensureKnots(i: number): void {
    const s = this.sigma;
    for (let j = this.knots.length / 4; j <= i; j++) {
      const day = this.days[j] as number;
      let pre = this.anchor;
      if (j > 0) {
        const after = this.knots[4 * j - 1] as number;
        const gap = day - (this.days[j - 1] as number);
        const shock = s * Math.sqrt(GAP_MINUTES_PER_DAY * gap) * this.knotDraws.fatTailed(4 * day);
        pre = after - REVERSION * gap * (after - this.anchor) + shock;
      }
      const regularMinutes = ((this.closes[j] as number) - (this.opens[j] as number)) / MINUTE_MS;
      const extended = s * Math.sqrt(EXTENDED_VARIANCE);
      const open = pre + extended * Math.sqrt(PRE_MINUTES) * this.knotDraws.fatTailed(4 * day + 1);
      const close = open + s * Math.sqrt(regularMinutes) * this.knotDraws.fatTailed(4 * day + 2);
      const post =
        close + extended * Math.sqrt(POST_MINUTES) * this.knotDraws.fatTailed(4 * day + 3);
      this.knots.push(pre, open, close, post);
    }
  }

  /** Log levels at every minute of one segment of trading day `i`, both ends included. */
  private segment(i: number, which: number): Float64Array {
    const key = 3 * i + which;
    const cached = this.segments.get(key);
    if (cached) return cached;
    const bounds = [this.preOpens, this.opens, this.closes, this.postCloses];
    const start = (bounds[which] as number[])[i] as number;
    const end = (bounds[which + 1] as number[])[i] as number;
    const from = this.knots[4 * i + which] as number;
    const to = this.knots[4 * i + which + 1] as number;
    const minutes = (end - start) / MINUTE_MS;
    const sigma = which === REGULAR ? this.sigma : this.sigma * Math.sqrt(EXTENDED_VARIANCE);
    const first = (start - SIM_EPOCH) / MINUTE_MS;
    const levels = new Float64Array(minutes + 1);
    let sum = 0;
    for (let m = 0; m < minutes; m++) {
      sum += sigma * this.minuteDraws.fatTailed(first + m);
      levels[m + 1] = sum;
    }
    const drift = to - from - sum;
    for (let m = 0; m <= minutes; m++) {
      levels[m] = from + (levels[m] as number) + (m / minutes) * drift;
    }
    levels[minutes] = to;
    if (this.segments.size >= SEGMENT_CACHE) this.segments.clear();
    this.segments.set(key, levels);
    return levels;
  }
}
