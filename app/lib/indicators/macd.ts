/**
 * MACD: the fast EMA of closes minus the slow one, a signal line that is the EMA of MACD (seeded
 * with the SMA of its first values, as StockCharts does), and the histogram between the two.
 */
import type { Candle } from "../../../party/protocol/index.ts";
import { EmaCore } from "./ema.ts";
import { BarIndicator } from "./indicator.ts";

/** The signal and histogram start `signal − 1` bars after the MACD line does. */
export type MacdValue = {
  macd: number;
  signal: number | undefined;
  histogram: number | undefined;
};

export class Macd extends BarIndicator<MacdValue> {
  readonly kind = "macd";
  readonly #fast: EmaCore;
  readonly #slow: EmaCore;
  readonly #signal: EmaCore;

  constructor(fast = 12, slow = 26, signal = 9) {
    super();
    this.#fast = new EmaCore(fast);
    this.#slow = new EmaCore(slow);
    this.#signal = new EmaCore(signal);
  }

  get fast(): number {
    return this.#fast.period;
  }

  get slow(): number {
    return this.#slow.period;
  }

  get signal(): number {
    return this.#signal.period;
  }

  #line(close: number): number | undefined {
    const fast = this.#fast.next(close);
    const slow = this.#slow.next(close);
    return fast === undefined || slow === undefined ? undefined : fast - slow;
  }

  protected commit(candle: Candle): void {
    const macd = this.#line(candle[4]);
    this.#fast.commit(candle[4]);
    this.#slow.commit(candle[4]);
    if (macd !== undefined) this.#signal.commit(macd);
  }

  protected evaluate(candle: Candle): MacdValue | undefined {
    const macd = this.#line(candle[4]);
    if (macd === undefined) return undefined;
    const signal = this.#signal.next(macd);
    return { macd, signal, histogram: signal === undefined ? undefined : macd - signal };
  }
}
