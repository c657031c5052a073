/**
 * A long range's newest bars kept live: the bars fetched once (`?range=`) end at their `asOf`,
 * and the room's one-minute candles, which the socket keeps current, carry the newest bar on and
 * open the next ones, so the chart never asks again.
 */
import { type Candle, RANGE_INTERVAL_MS, type RangeAnswer } from "../../party/protocol/index.ts";

const MINUTE_MS = 60_000;

/**
 * The fetched range's newest bar and any after it, with the minutes (oldest first) since the
 * answer folded in. The minute the answer was computed in widens the bar's range and moves its
 * close, but adds no volume, which the answer already counts up to `asOf`. Bars start a whole
 * number of intervals after the newest fetched one, so days and weeks keep their UTC midnights
 * and a stock's hours their half past. `keep` says which minutes the bars hold (a stock's
 * regular session, for its daily bars). Empty when the answer has no bar.
 */
export function liveTail(
  answer: Pick<RangeAnswer, "interval" | "asOf" | "candles">,
  minutes: readonly Candle[],
  keep: (start: number) => boolean = () => true,
): Candle[] {
  const newest = answer.candles[answer.candles.length - 1];
  if (!newest) return [];
  const size = RANGE_INTERVAL_MS[answer.interval];
  const from = Math.floor(answer.asOf / MINUTE_MS) * MINUTE_MS;
  let i = minutes.length;
  while (i > 0 && (minutes[i - 1] as Candle)[0] >= from) i--;
  let bar: Candle = [...newest];
  const out = [bar];
  for (; i < minutes.length; i++) {
    const [start, open, high, low, close, volume] = minutes[i] as Candle;
    if (start < newest[0] || !keep(start)) continue;
    const counted = start > answer.asOf ? volume : 0;
    const bucket = newest[0] + Math.floor((start - newest[0]) / size) * size;
    if (bucket !== bar[0]) {
      bar = [bucket, open, high, low, close, counted];
      out.push(bar);
      continue;
    }
    if (high > bar[2]) bar[2] = high;
    if (low < bar[3]) bar[3] = low;
    bar[4] = close;
    bar[5] += counted;
  }
  return out;
}
