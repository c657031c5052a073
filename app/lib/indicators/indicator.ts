/**
 * The shape every indicator shares. A chart's last bar changes with every tick until the next
 * bar starts, so an indicator keeps its state as of the bar before the last and computes the
 * last bar's value from that state: a tick costs one step, never a pass over the series.
 */
import type { Candle } from "../../../party/protocol/index.ts";

export interface Indicator<V> {
  /** Adds a bar after the last one; returns the value at it. */
  push(candle: Candle): V | undefined;
  /** Replaces the last bar (a tick changed it); returns the value at it. With no bar yet it pushes. */
  update(candle: Candle): V | undefined;
  /** The value at the last bar: undefined until enough bars exist, or if that bar is unusable. */
  readonly value: V | undefined;
}

/**
 * Feeds `candles` (oldest first) to a fresh `indicator` and returns its value at each bar. The
 * initial load goes through the same steps as live ticks, so the two cannot disagree, and the
 * indicator is left ready for the next `update` or `push`.
 */
export function indicatorSeries<V>(
  indicator: Indicator<V>,
  candles: readonly Candle[],
): (V | undefined)[] {
  return candles.map((candle) => indicator.push(candle));
}

/** A lookback length: a whole number of bars, at least one. */
export function checkPeriod(period: number): number {
  if (!Number.isInteger(period) || period < 1) {
    throw new RangeError(`An indicator period is a whole number of bars, not ${period}`);
  }
  return period;
}

/**
 * Keeps the last bar apart from the state of the bars before it. Subclasses say how a finished
 * bar folds into the state (`commit`) and what the value is with a given last bar (`evaluate`,
 * which must leave the state as it is).
 */
export abstract class BarIndicator<V> implements Indicator<V> {
  // Held by reference: if a caller folds ticks into this candle in place, what gets committed
  // is the bar as it finally stood, so later values stay right even if an update was missed.
  #last: Candle | undefined;
  #value: V | undefined;

  get value(): V | undefined {
    return this.#value;
  }

  push(candle: Candle): V | undefined {
    const last = this.#last;
    if (last !== undefined && this.accepts(last)) this.commit(last);
    return this.#set(candle);
  }

  update(candle: Candle): V | undefined {
    return this.#last === undefined ? this.push(candle) : this.#set(candle);
  }

  #set(candle: Candle): V | undefined {
    this.#last = candle;
    this.#value = this.accepts(candle) ? this.evaluate(candle) : undefined;
    return this.#value;
  }

  /**
   * Whether a bar carries the numbers this indicator reads. A bar that does not (a NaN from a
   * bad feed) gets no value and leaves no trace in the state, as if it had not traded.
   */
  protected accepts(candle: Candle): boolean {
    return Number.isFinite(candle[4]);
  }

  protected abstract commit(candle: Candle): void;
  protected abstract evaluate(candle: Candle): V | undefined;
}
