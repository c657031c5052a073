/**
 * Long history for simulated rooms: the bars of every chart range, derived from the simulator's
 * walk without replaying years of ticks. A bar is computed at one of three depths, each exact
 * where a shorter range shows the same time:
 *
 *  - ticks: the latest `exactDays` sessions (5 unless asked otherwise) are folded from the
 *    simulator's own one-minute candles, so the daily bars of the last week, the 30-minute bars
 *    of 1M, the 15-minute bars of 5D and the 1-minute bars of 1D all agree exactly.
 *  - minutes: the other sessions of the last month (what 1M shows) come from the walk's minute
 *    levels: each is the price of the trade that ends a minute, so a bar's open and close are
 *    real trades and its high and low are the highest and lowest of its minute closes, at most a
 *    minute's swing inside the true extremes. Daily bars here are the fold of the 1M bars.
 *  - days: older sessions take their open and close from the walk's day levels (exact trades)
 *    and draw their high and low from the distribution of a Brownian bridge's extremes between
 *    them, so no minute is computed at all.
 *
 * Every daily bar's open and close are trades at every depth: a stock's opens at the session's
 * opening print and closes at its last regular trade; a crypto day opens at the last trade before
 * UTC midnight (at the ticks depth, at the day's first trade, a tick away) and closes at its last
 * trade. An intraday bar at the minutes depth opens at the last trade before it. Volume at the minutes and days depths is the expected volume of the simulator's trades,
 * with a deterministic day-to-day and minute-to-minute spread; at the ticks depth it is exact.
 *
 * A bar's depth depends on how old its session is at `now`, so a bar may tighten by a minute's
 * swing when it leaves the last week, and again when it leaves the last month. For a given
 * symbol, options and `now`, every answer is the same on every machine.
 *
 * Cost, in CPU ms per call (the least of seven, measured on a busy two-core machine; "cold" is a
 * symbol's first call in the process, "warm" the next one a minute later):
 *
 *   range   stock cold   stock warm   crypto cold   crypto warm
 *   1d          10-30         1-2         105-140          1
 *   5d          70-130        2           265-460          1
 *   1m          100-200       3-4         300-700          8-10
 *   6m, 1y      70-250        3-5         235-550          7-10
 *   5y          4-8           4-7         11-15            10-14
 *
 * The cold cost of 1D to 1Y is the ticks depth: five sessions of ticks, about 0.7 million for a
 * stock and 2.6 million for a coin, computed once a session and kept (`exactCache`); 5Y skips
 * it. `exactDays` trades that cost against the agreement of the daily bars with 5D.
 *
 * Stock daily bars cover the regular session only, 9:30 to 16:00 New York time, as Yahoo's do;
 * 1D and 5D include pre-market and after-hours, 1M and longer do not. Daily bars are stamped at
 * the UTC midnight of their date (New York's date for a stock), weekly bars at their Monday's.
 */
import type { Candle } from "../protocol/index.ts";
import {
  type BarRange,
  type Bars,
  foldAll,
  foldCandles,
  INTERVAL_MS,
  RANGE_DAYS,
  RANGE_INTERVAL,
  roundVolumes,
  weeklyCandles,
} from "./bars.ts";
import { DrawStream, normalFromUniform } from "./random.ts";
import { regularSession, sessionDay } from "./sessions/index.ts";
import {
  DAY_MS,
  floorTo,
  MINUTE_MS,
  round,
  SIM_FIRST_DAY,
  Simulator,
  type SimulatorOptions,
} from "./simulator.ts";

export type SimulatedBarsOptions = SimulatorOptions & {
  /**
   * How many of the latest sessions (a session being a stock's trading day or a crypto UTC day)
   * are folded from ticks. Default 5; 5Y, drawn in weeks, defaults to 0, its cost being the
   * point: a week's bar is then at most a minute's swing narrower than its days'.
   */
  exactDays?: number;
};

const DEFAULT_EXACT_DAYS = 5;
/** How many sessions 5D shows. */
const FIVE_DAYS = 5;
const STREAM = { minuteVolume: 10, dayVolume: 11, range: 12 } as const;
/** Spread of the volume of one minute, and of one day, around its mean (log std dev). */
const MINUTE_VOLUME_SPREAD = 0.5;
const DAY_VOLUME_SPREAD = 0.25;

/**
 * The bars of `range` ending at `now`, in the interval Yahoo draws that range in: 1D in
 * one-minute bars, 5D in 15-minute bars, 1M in 30-minute bars, 6M and 1Y in daily bars, 5Y in
 * weekly bars. At most about 1,500 bars (1M of crypto).
 */
export function simulatedBars(
  symbol: string,
  range: BarRange,
  now: number,
  options: SimulatedBarsOptions = {},
): Bars {
  const interval = RANGE_INTERVAL[range];
  if (!Number.isFinite(now)) return { interval, candles: [] };
  const exactDays = options.exactDays ?? (range === "5y" ? 0 : DEFAULT_EXACT_DAYS);
  const bars = new BarMaker(new Simulator(symbol, options), now, exactDays);
  switch (range) {
    case "1d":
      return { interval, candles: bars.day() };
    case "5d":
      return { interval, candles: bars.intraday(bars.lastSessions(FIVE_DAYS), "15min", true) };
    case "1m":
      return { interval, candles: bars.intraday(bars.sessionsSince(RANGE_DAYS["1m"]), "30min") };
    case "6m":
    case "1y":
      return { interval, candles: bars.daily(bars.sessionsSince(RANGE_DAYS[range])) };
    case "5y":
      return { interval, candles: weeklyCandles(bars.daily(bars.sessionsSince(RANGE_DAYS["5y"]))) };
  }
}

/** Daily bars of the sessions from day number `firstDay` to the one `now` belongs to. */
export function simulatedDailyCandles(
  symbol: string,
  firstDay: number,
  now: number,
  options: SimulatedBarsOptions = {},
): Candle[] {
  if (!Number.isFinite(now)) return [];
  const bars = new BarMaker(new Simulator(symbol, options), now, options.exactDays);
  return bars.daily(bars.sessionDays(firstDay, bars.lastDay));
}

/**
 * Sessions' one-minute candles up to some time, the least recently used first. A completed
 * session's never change, and a live one's only grow, so keeping them changes no answer.
 */
const EXACT_CACHE_SIZE = 32;
const exactCache = new Map<string, { to: number; candles: Candle[] }>();

class BarMaker {
  readonly lastDay: number;
  private readonly exact: number;
  private readonly minuteVolume: DrawStream;
  private readonly dayVolume: DrawStream;
  private readonly rangeDraws: DrawStream;
  private readonly sizeDecimals: number;

  constructor(
    private readonly sim: Simulator,
    private readonly now: number,
    exactDays = DEFAULT_EXACT_DAYS,
  ) {
    this.lastDay = sim.calendar ? sessionDay("stock", now) : Math.floor(now / DAY_MS);
    this.exact = Math.max(0, Math.floor(exactDays));
    const { seed } = sim.spec;
    this.minuteVolume = new DrawStream(seed, STREAM.minuteVolume);
    this.dayVolume = new DrawStream(seed, STREAM.dayVolume);
    this.rangeDraws = new DrawStream(seed, STREAM.range);
    this.sizeDecimals = sim.spec.sizeDecimals;
  }

  /** The day numbers with a session from `first` to `last`, oldest first. */
  sessionDays(first: number, last: number): number[] {
    const out: number[] = [];
    if (!Number.isFinite(last)) return out;
    for (let day = Math.max(first, SIM_FIRST_DAY); day <= last; day++) {
      if (this.sim.session(day)) out.push(day);
    }
    return out;
  }

  /** The sessions of the `calendarDays` days before the last one, and the last one. */
  sessionsSince(calendarDays: number): number[] {
    return this.sessionDays(this.lastDay - calendarDays, this.lastDay);
  }

  /** The latest `count` sessions, oldest first. */
  lastSessions(count: number): number[] {
    const out: number[] = [];
    for (let day = this.lastDay; out.length < count && day >= SIM_FIRST_DAY; day--) {
      if (this.sim.session(day)) out.unshift(day);
    }
    return out;
  }

  /** 1D: the one-minute candles of the session `now` belongs to, or of the last 24 hours. */
  day(): Candle[] {
    if (this.sim.calendar) return this.exactCandles(this.lastDay);
    const from = this.now - DAY_MS;
    // The minute that holds `from` keeps only its ticks after it; the rest is whole days' candles.
    const second = floorTo(from, MINUTE_MS) + MINUTE_MS;
    const first = this.sim.history(from, Math.min(second - 1, this.now), 0).candles;
    const yesterday = this.exactCandles(Math.floor(from / DAY_MS)).filter((c) => c[0] >= second);
    const today = this.exactCandles(this.lastDay).filter((c) => c[0] >= second);
    return [...first, ...yesterday, ...today];
  }

  /** Intraday bars of `days`; with `extended`, a stock's pre-market and after-hours too. */
  intraday(days: readonly number[], interval: "15min" | "30min", extended = false): Candle[] {
    const size = INTERVAL_MS[interval];
    const out: Candle[] = [];
    const exactFrom = days.length - this.exactCount(days);
    days.forEach((day, i) => {
      const session = this.sim.session(day);
      const span = this.span(day);
      if (!session || !span) return;
      const from = extended ? span.start : session.open;
      const to = extended ? span.end : session.close;
      if (i >= exactFrom) {
        const minutes = this.exactCandles(day).filter((c) => c[0] >= from && c[0] < to);
        out.push(...roundVolumes(foldCandles(minutes, size), this.sizeDecimals));
        return;
      }
      const factor = this.dayFactor(day);
      for (let start = from; start < to && start <= this.now; start += size) {
        const bar = this.levelBar(start, Math.min(start + size, to), factor);
        if (bar) out.push(bar);
      }
    });
    return out;
  }

  /** Daily bars of `days` (oldest first), each at the depth its age gives it. */
  daily(days: readonly number[]): Candle[] {
    const out: Candle[] = [];
    const exactFrom = days.length - this.exactCount(days);
    const monthFrom = this.lastDay - RANGE_DAYS["1m"];
    days.forEach((day, i) => {
      const bar =
        i >= exactFrom
          ? this.exactDaily(day)
          : day >= monthFrom
            ? this.minuteDaily(day)
            : this.drawnDaily(day);
      if (bar) out.push(bar);
    });
    return out;
  }

  /** How many of `days` (the latest days, oldest first, ending with the last) are exact. */
  private exactCount(days: readonly number[]): number {
    const latest = this.lastSessions(this.exact);
    const first = latest[0];
    if (first === undefined) return 0;
    return days.filter((d) => d >= first).length;
  }

  private exactDaily(day: number): Candle | null {
    const session = this.sim.session(day);
    if (!session) return null;
    const regular = this.exactCandles(day).filter(
      (c) => c[0] >= session.open && c[0] < session.close,
    );
    const bar = foldAll(regular, day * DAY_MS);
    if (bar) bar[5] = round(bar[5], this.sizeDecimals);
    return bar;
  }

  private minuteDaily(day: number): Candle | null {
    const session = this.sim.session(day);
    if (!session) return null;
    const bar = this.levelBar(session.open, session.close, this.dayFactor(day));
    if (bar) bar[0] = day * DAY_MS;
    return bar;
  }

  /**
   * A session from its two ends: the high and low of a Brownian bridge from the open to the
   * close with the session's variance, drawn by inverting the law of its maximum,
   * P(max ≥ m) = exp(-2 (m - a)(m - b) / v).
   */
  private drawnDaily(day: number): Candle | null {
    const s = this.sim.session(day);
    if (!s || s.close > this.now) return null;
    const a = s.openLevel;
    const b = s.closeLevel;
    const mid = (a + b) / 2;
    const half2 = ((a - b) / 2) ** 2;
    const up = -Math.log(this.rangeDraws.uniform(2 * day));
    const down = -Math.log(this.rangeDraws.uniform(2 * day + 1));
    const high = mid + Math.sqrt(half2 + (s.variance * up) / 2);
    const low = mid - Math.sqrt(half2 + (s.variance * down) / 2);
    const price = (level: number) => round(Math.exp(level), this.sim.spec.priceDecimals);
    const volume = this.sim.expectedSessionVolume(s) * this.dayFactor(day);
    return [
      day * DAY_MS,
      price(a),
      price(high),
      price(low),
      price(b),
      round(volume, this.sizeDecimals),
    ];
  }

  /**
   * A bar of [from, to) from minute levels: opens at the price at `from`, closes at the price at
   * `to` (or at the last trade, for a bar still open at `now`), high and low over every minute
   * boundary between. Null when no trade of it has happened by `now`.
   */
  private levelBar(from: number, to: number, dayFactor: number): Candle | null {
    const sim = this.sim;
    const end = Math.min(to, floorTo(this.now, MINUTE_MS));
    let close: number;
    if (end < to) {
      const last = sim.lastTickAt(this.now);
      if (last[0] < from) return null;
      close = last[1];
    } else close = sim.priceAt(to);
    const open = sim.priceAt(from);
    let high = Math.max(open, close);
    let low = Math.min(open, close);
    for (let t = from + MINUTE_MS; t <= end && t < to; t += MINUTE_MS) {
      const p = sim.priceAt(t);
      if (p > high) high = p;
      if (p < low) low = p;
    }
    let volume = 0;
    for (let t = from; t < end; t += MINUTE_MS) {
      const z = normalFromUniform(this.minuteVolume.uniform(t / MINUTE_MS));
      const spread = Math.exp(MINUTE_VOLUME_SPREAD * z - MINUTE_VOLUME_SPREAD ** 2 / 2);
      volume += sim.expectedVolume(t) * spread;
    }
    return [from, open, high, low, close, round(volume * dayFactor, this.sizeDecimals)];
  }

  /** A day's volume relative to its mean: log-normal, mean 1. */
  private dayFactor(day: number): number {
    const z = normalFromUniform(this.dayVolume.uniform(day));
    return Math.exp(DAY_VOLUME_SPREAD * z - DAY_VOLUME_SPREAD ** 2 / 2);
  }

  /** When a session day trades at all: a stock's pre-market to after-hours, or the UTC day. */
  private span(day: number): { start: number; end: number } | null {
    if (!this.sim.calendar) return { start: day * DAY_MS, end: (day + 1) * DAY_MS };
    const hours = regularSession(day);
    return hours && { start: hours.preOpen, end: hours.postClose };
  }

  /**
   * The simulator's one-minute candles of a session day, up to `now`. A session's candles are
   * kept once computed, and one still trading is carried forward from where it was left: the
   * candle of the minute it was left in is recomputed, and later minutes added.
   */
  private exactCandles(day: number): Candle[] {
    const span = this.span(day);
    if (!span) return [];
    const to = Math.min(span.end - 1, this.now);
    if (!(to >= span.start)) return [];
    const key = `${this.sim.spec.symbol}\u0000${this.sim.calendar ? "calendar" : "clock"}\u0000${day}`;
    const cached = exactCache.get(key);
    if (cached && cached.to === to) {
      exactCache.delete(key);
      exactCache.set(key, cached);
      return cached.candles;
    }
    let candles: Candle[];
    if (cached && cached.to < to) {
      const resume = floorTo(cached.to, MINUTE_MS);
      const kept = cached.candles.filter((c) => c[0] < resume);
      candles = kept.concat(this.sim.history(resume - 1, to, 0).candles);
    } else if (cached) {
      // An earlier `now` than the one kept: computed apart, and the later one kept.
      return this.sim.history(span.start - 1, to, 0).candles;
    } else candles = this.sim.history(span.start - 1, to, 0).candles;
    exactCache.delete(key);
    exactCache.set(key, { to, candles });
    if (exactCache.size > EXACT_CACHE_SIZE) {
      const oldest = exactCache.keys().next().value;
      if (oldest !== undefined) exactCache.delete(oldest);
    }
    return candles;
  }
}
