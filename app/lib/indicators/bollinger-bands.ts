/**
 * Bollinger bands: the SMA of closes, and bands `k` population standard deviations either side
 * (the population form is Bollinger's own and what TradingView and StockCharts draw).
 */
import type { Candle } from "../../../party/protocol/index.ts";
import { BarIndicator, checkPeriod } from "./indicator.ts";
import { RollingWindow } from "./rolling-window.ts";

export type BollingerValue = { middle: number; upper: number; lower: number };

export class BollingerBands extends BarIndicator<BollingerValue> {
  readonly kind = "bb";
  readonly period: number;
  readonly k: number;
  /** The closes of the `period - 1` bars before the last. */
  readonly #window: RollingWindow;

  constructor(period = 20, k = 2) {
    super();
    this.period = checkPeriod(period);
    this.k = k;
    this.#window = new RollingWindow(period - 1);
  }

  protected commit(candle: Candle): void {
    this.#window.push(candle[4]);
  }

  protected evaluate(candle: Candle): BollingerValue | undefined {
    if (this.#window.size < this.period - 1) return undefined;
    const close = candle[4];
    const middle = (this.#window.sum + close) / this.period;
    // Deviations from the mean, not the sum of squares minus the squared sum: at a price of
    // 60,000 and a spread of cents that shortcut loses every significant digit.
    const d = close - middle;
    const deviation = Math.sqrt((this.#window.squaredDeviations(middle) + d * d) / this.period);
    const width = this.k * deviation;
    return { middle, upper: middle + width, lower: middle - width };
  }
}
