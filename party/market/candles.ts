/** Folding ticks into one-minute candles. */
import { bucketStart, type Candle, findCandle, type Tick } from "../protocol/index.ts";

/**
 * Folds ticks into a list of candles sorted by start, in place. Minutes without ticks stay
 * absent (a gap), never filled with a flat candle. A tick older than the last candle folds into
 * its own minute, so a late tick never reorders the list. Adds the starts of the candles it
 * touched to `touched`, for storage.
 */
export function foldTicks(candles: Candle[], ticks: readonly Tick[], touched?: Set<number>): void {
  for (const [time, price, size] of ticks) {
    const start = bucketStart(time);
    let last = candles[candles.length - 1];
    if (last === undefined || start > last[0]) {
      candles.push([start, price, price, price, price, size]);
      touched?.add(start);
      continue;
    }
    if (start < last[0]) {
      const at = findCandle(candles, start);
      if (at < 0) {
        candles.splice(~at, 0, [start, price, price, price, price, size]);
        touched?.add(start);
        continue;
      }
      last = candles[at] as Candle;
    }
    if (price > last[2]) last[2] = price;
    if (price < last[3]) last[3] = price;
    if (start === candles[candles.length - 1]?.[0]) last[4] = price;
    last[5] += size;
    touched?.add(start);
  }
}

/** Drops candles that start before `cutoff`. Returns how many it dropped. */
export function trimCandles(candles: Candle[], cutoff: number): number {
  let n = 0;
  while (n < candles.length && (candles[n] as Candle)[0] < cutoff) n++;
  if (n > 0) candles.splice(0, n);
  return n;
}
