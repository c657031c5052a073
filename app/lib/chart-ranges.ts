/**
 * The chart's ranges, as the range buttons offer them and the URL keeps them (`?range=1y`). 1D
 * is the live intraday view, drawn from the room's own day in the timeframe chosen; every longer
 * range is fetched once from the room (`?range=` over HTTP) in the interval the room picks.
 */
import type { ChartRange } from "../../party/protocol/index.ts";

// The protocol's `CHART_RANGES`, written out: importing it here would make the page's first chunk
// export the protocol's range module to the lazy range chunk, which costs more than six strings.
export const RANGE_BUTTONS = (
  ["1d", "5d", "1m", "6m", "1y", "5y"] as const satisfies readonly ChartRange[]
).map((id) => ({ id, label: id.toUpperCase() }));

/** A range longer than the live day, as the URL names it; null for the live view. */
export type LongRange = Exclude<ChartRange, "1d">;

/** The long range a URL's `range` names, or null (the live day) for anything else. */
export function longRange(value: string | null): LongRange | null {
  return value !== "1d" && RANGE_BUTTONS.some((r) => r.id === value) ? (value as LongRange) : null;
}
