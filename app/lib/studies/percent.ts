/**
 * Comparing symbols: every line on the price pane shows its percent change from the start of
 * the visible range, as TradingView's compare does. A compared symbol's bars are read at the
 * times of the chart's own bars, so that the time axis stays the chart's.
 */
import type { UTCTimestamp } from "lightweight-charts";
import type { Candle } from "../../../party/protocol/market.ts";

/** `value` as percent change from `base`. */
export const percentChange = (value: number, base: number): number => (value / base - 1) * 100;

/** `value` as the price pane shows it: its percent change from `base`, or itself without one. */
export const percentOf = (value: number, base: number | null): number =>
  base === null ? value : percentChange(value, base);

/** Lightweight Charts' time: UTC seconds, fractions keeping ticks of one second apart. */
export const seconds = (ms: number) => (ms / 1000) as UTCTimestamp;

const percentDigits = new Intl.NumberFormat(undefined, {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

/** "+1.23%", "−0.45%" (a real minus sign), "0.00%". */
export function formatPercent(value: number): string {
  const text = percentDigits.format(Math.abs(value));
  if (text === percentDigits.format(0)) return `${text}%`;
  return `${value > 0 ? "+" : "\u2212"}${text}%`;
}

/**
 * The first bar wholly in view: the one at or after the visible range's left edge (a logical
 * index, fractional when a bar is cut in half), within the bars there are; -1 with no bars.
 */
export function firstVisibleIndex(from: number, count: number): number {
  if (count === 0) return -1;
  return Math.min(count - 1, Math.max(0, Math.ceil(from)));
}

/**
 * The close of `bars` (oldest first) as of the chart's bar at `time`: the close of the newest bar
 * that starts within it or before it (bars are `ms` long; 0 for the tick line, where a bar is a
 * point in time). Undefined when every bar starts later.
 */
export function closeAsOf(bars: readonly Candle[], time: number, ms: number): number | undefined {
  const end = ms > 0 ? time + ms : time + 1;
  const last = bars[bars.length - 1];
  // Live bars are almost always read at the newest one.
  if (last === undefined) return undefined;
  if (last[0] < end) return last[4];
  let lo = 0;
  let hi = bars.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if ((bars[mid] as Candle)[0] < end) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi >= 0 ? (bars[hi] as Candle)[4] : undefined;
}

/**
 * Forgets the bars no read at `time` or later needs (all before the last one at or before it),
 * once there are at least `batch` of them, so that a compared tick line stays as long as the
 * chart's own instead of growing by every trade.
 */
export function forgetBefore(bars: Candle[], time: number | undefined, batch: number): void {
  if (time === undefined || bars.length <= batch || (bars[batch] as Candle)[0] > time) return;
  let keep = batch;
  while (keep + 1 < bars.length && (bars[keep + 1] as Candle)[0] <= time) keep++;
  bars.splice(0, keep);
}

/**
 * What a compared symbol's percent change starts from: its close as of `time`, or, for a symbol
 * whose history starts later, its first close.
 */
export function baseClose(bars: readonly Candle[], time: number, ms: number): number | undefined {
  return closeAsOf(bars, time, ms) ?? bars[0]?.[4];
}

/**
 * Folds fresh bars into held ones: every held bar from the first fresh one's start on is
 * replaced. Returns the same array, changed in place.
 */
export function mergeBars(held: Candle[], fresh: readonly Candle[]): Candle[] {
  const first = fresh[0];
  if (first === undefined) return held;
  let keep = held.length;
  while (keep > 0 && (held[keep - 1] as Candle)[0] >= first[0]) keep--;
  held.length = keep;
  for (const bar of fresh) held.push(bar);
  return held;
}
