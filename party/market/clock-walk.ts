/**
 * The simulator's walk around the clock, for crypto (and for stocks with `sessions: false`): UTC
 * days, no closed minutes, volume in the U-shape of the UTC day.
 */
import {
  MINUTE_KIND,
  MINUTES_PER_DAY,
  type MinuteKind,
  type PriceWalk,
  REVERSION,
  SIM_EPOCH,
  SIM_FIRST_DAY,
  STREAM,
} from "./price-walk.ts";
import { DrawStream } from "./random.ts";
import { DAY_MS, MINUTE_MS } from "./sessions/index.ts";
import type { SimSpec } from "./sim-spec.ts";

const MINUTES_PER_YEAR = 525_600;
/** How far the walk reaches back before its epoch; earlier days are flat. */
const LOOKBACK_DAYS = SIM_EPOCH / DAY_MS - SIM_FIRST_DAY;

/**
 * Around the clock on UTC days: day levels at each midnight, a mean-reverting walk from the
 * epoch (and, for long histories, back from it), and a bridge of 1440 minute levels between two.
 */
export class ClockWalk implements PriceWalk {
  readonly pinsCloses = false;
  private readonly sigmaMinute: number;
  private readonly dayDraws: DrawStream;
  private readonly minuteDraws: DrawStream;
  private readonly dayLevels: number[];
  /** Levels of the days before the epoch: `pastLevels[i]` is day -(i + 1). */
  private readonly pastLevels: number[] = [];
  private readonly minuteLevels = new Map<number, Float64Array>();

  constructor(spec: SimSpec) {
    this.dayDraws = new DrawStream(spec.seed, STREAM.day);
    this.minuteDraws = new DrawStream(spec.seed, STREAM.minute);
    this.sigmaMinute = spec.volatility / Math.sqrt(MINUTES_PER_YEAR);
    this.dayLevels = [Math.log(spec.startPrice)];
  }

  minuteKind(): MinuteKind {
    return MINUTE_KIND.regular;
  }

  minuteSigma(): number {
    return this.sigmaMinute;
  }

  sizeFactor(start: number): number {
    return intradayVolume(start);
  }

  opensSession(): boolean {
    return false;
  }

  nextOpenMinute(start: number, limit: number): number {
    return start <= limit ? start : Number.POSITIVE_INFINITY;
  }

  prevOpenMinute(start: number, limit: number): number {
    return start >= limit ? start : Number.NEGATIVE_INFINITY;
  }

  /** Log price at the start of a minute. */
  level(start: number): number {
    const day = Math.floor((start - SIM_EPOCH) / DAY_MS);
    const m = Math.round((start - SIM_EPOCH - day * DAY_MS) / MINUTE_MS);
    // A midnight is its day level, which the day's bridge starts from exactly.
    if (m === 0) return this.dayLevel(day);
    return this.dayMinuteLevels(day)[m] as number;
  }

  /** Log levels at every minute of a day (1441 values, both ends included). */
  private dayMinuteLevels(day: number): Float64Array {
    const cached = this.minuteLevels.get(day);
    if (cached) return cached;
    const start = this.dayLevel(day);
    const end = this.dayLevel(day + 1);
    const levels = new Float64Array(MINUTES_PER_DAY + 1);
    let sum = 0;
    for (let i = 0; i < MINUTES_PER_DAY; i++) {
      sum += this.sigmaMinute * this.minuteDraws.fatTailed(day * MINUTES_PER_DAY + i);
      levels[i + 1] = sum;
    }
    const drift = end - start - sum;
    for (let i = 0; i <= MINUTES_PER_DAY; i++) {
      levels[i] = start + (levels[i] as number) + (i / MINUTES_PER_DAY) * drift;
    }
    if (this.minuteLevels.size >= 3) this.minuteLevels.clear();
    this.minuteLevels.set(day, levels);
    return levels;
  }

  /**
   * Log price at the start of day `day` since the epoch. Before the epoch the walk runs
   * backwards with the same pull and shocks of its own, so that nothing after the epoch moves;
   * it is flat before its first day.
   */
  private dayLevel(day: number): number {
    const anchor = this.dayLevels[0] as number;
    const sigmaDay = this.sigmaMinute * Math.sqrt(MINUTES_PER_DAY);
    if (!(day >= 0)) {
      const back = Math.min(-day, LOOKBACK_DAYS);
      for (let d = this.pastLevels.length + 1; d <= back; d++) {
        const next = d === 1 ? anchor : (this.pastLevels[d - 2] as number);
        const shock = sigmaDay * this.dayDraws.fatTailed(-d);
        this.pastLevels.push(next - REVERSION * (next - anchor) - shock);
      }
      return Number.isNaN(day) ? anchor : (this.pastLevels[back - 1] as number);
    }
    for (let d = this.dayLevels.length; d <= day; d++) {
      const prev = this.dayLevels[d - 1] as number;
      const shock = sigmaDay * this.dayDraws.fatTailed(d - 1);
      this.dayLevels.push(prev - REVERSION * (prev - anchor) + shock);
    }
    return this.dayLevels[day] as number;
  }
}

/** Relative trading activity at a time of the (UTC) day: high at the open and close. */
export function intradayVolume(time: number): number {
  const x = (((time % DAY_MS) + DAY_MS) % DAY_MS) / DAY_MS;
  return 0.4 + 2.4 * (2 * x - 1) ** 2;
}
