/**
 * Wilder's relative strength index: average gain and average loss over `period` closes, seeded
 * with their simple averages and then smoothed as Wilder did, avg = (avg × (n − 1) + x) / n.
 */
import type { Candle } from "../../../party/protocol/index.ts";
import { BarIndicator, checkPeriod } from "./indicator.ts";

type RsiState = {
  /** The last close folded in. */
  close: number | undefined;
  changes: number;
  /** Sums of gains and losses while fewer than `period` changes exist, their averages after. */
  gain: number;
  loss: number;
};

export class Rsi extends BarIndicator<number> {
  readonly kind = "rsi";
  readonly period: number;
  #state: RsiState = { close: undefined, changes: 0, gain: 0, loss: 0 };

  constructor(period = 14) {
    super();
    this.period = checkPeriod(period);
  }

  #next(close: number): RsiState {
    const s = this.#state;
    if (s.close === undefined) return { close, changes: 0, gain: 0, loss: 0 };
    const change = close - s.close;
    const gain = Math.max(change, 0);
    const loss = Math.max(-change, 0);
    const n = this.period;
    const changes = s.changes + 1;
    if (changes < n) return { close, changes, gain: s.gain + gain, loss: s.loss + loss };
    if (changes === n)
      return { close, changes, gain: (s.gain + gain) / n, loss: (s.loss + loss) / n };
    return {
      close,
      changes,
      gain: (s.gain * (n - 1) + gain) / n,
      loss: (s.loss * (n - 1) + loss) / n,
    };
  }

  protected commit(candle: Candle): void {
    this.#state = this.#next(candle[4]);
  }

  protected evaluate(candle: Candle): number | undefined {
    const { changes, gain, loss } = this.#next(candle[4]);
    if (changes < this.period) return undefined;
    // No loss at all reads 100, as the formula tends to. A price that did not move at all
    // reads 50 rather than TradingView's 100, so a quiet or closed market does not look
    // overbought.
    if (loss === 0) return gain === 0 ? 50 : 100;
    return 100 - 100 / (1 + gain / loss);
  }
}
