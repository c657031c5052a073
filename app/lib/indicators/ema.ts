/**
 * Exponential moving average, smoothing 2 / (period + 1), seeded with the simple average of the
 * first `period` inputs (as StockCharts and TradingView seed it), so it starts where the SMA is.
 */
import type { Candle } from "../../../party/protocol/index.ts";
import { BarIndicator, checkPeriod } from "./indicator.ts";

/** The EMA of a stream of numbers, for indicators built on EMAs of something else (MACD). */
export class EmaCore {
  readonly period: number;
  readonly #alpha: number;
  #count = 0;
  /** The sum of the inputs so far, while seeding. */
  #seed = 0;
  #ema: number | undefined;

  constructor(period: number) {
    this.period = checkPeriod(period);
    this.#alpha = 2 / (period + 1);
  }

  /** The average with `input` as the newest input, leaving the state as it is. */
  next(input: number): number | undefined {
    if (this.#ema !== undefined) return this.#ema + this.#alpha * (input - this.#ema);
    if (this.#count + 1 < this.period) return undefined;
    return (this.#seed + input) / this.period;
  }

  commit(input: number): void {
    const ema = this.next(input);
    if (ema === undefined) this.#seed += input;
    else this.#ema = ema;
    this.#count++;
  }
}

export class Ema extends BarIndicator<number> {
  readonly kind = "ema";
  readonly period: number;
  readonly #core: EmaCore;

  constructor(period: number) {
    super();
    this.#core = new EmaCore(period);
    this.period = period;
  }

  protected commit(candle: Candle): void {
    this.#core.commit(candle[4]);
  }

  protected evaluate(candle: Candle): number | undefined {
    return this.#core.next(candle[4]);
  }
}
