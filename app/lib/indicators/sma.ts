/** Simple moving average of closes. */
import type { Candle } from "../../../party/protocol/index.ts";
import { BarIndicator, checkPeriod } from "./indicator.ts";
import { RollingWindow } from "./rolling-window.ts";

export class Sma extends BarIndicator<number> {
  readonly kind = "sma";
  readonly period: number;
  /** The closes of the `period - 1` bars before the last. */
  readonly #window: RollingWindow;

  constructor(period: number) {
    super();
    this.period = checkPeriod(period);
    this.#window = new RollingWindow(period - 1);
  }

  protected commit(candle: Candle): void {
    this.#window.push(candle[4]);
  }

  protected evaluate(candle: Candle): number | undefined {
    if (this.#window.size < this.period - 1) return undefined;
    return (this.#window.sum + candle[4]) / this.period;
  }
}
