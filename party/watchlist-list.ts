/** Watchlist pieces only the server needs: new lists and presence colours. */
import type { WatchlistView } from "./protocol/index.ts";

/** A new list from a create request: symbols in order, duplicates dropped. */
export function newList(
  id: string,
  name: string | undefined,
  symbols: readonly string[] | undefined,
): WatchlistView {
  return { id, name: name ?? "Watchlist", symbols: [...new Set(symbols ?? [])], version: 1 };
}

/** Presence colours: distinct in light and dark themes. */
const COLORS = [
  "#e5484d",
  "#f76b15",
  "#ffc53d",
  "#46a758",
  "#12a594",
  "#0090ff",
  "#6e56cf",
  "#d6409f",
];

/**
 * A colour for someone joining: the palette's least used among the people here, so that faces
 * stay apart; ties go to the first after a point that depends on the newcomer's id.
 */
export function leastUsedColor(taken: readonly string[], userId: string): string {
  let h = 0;
  for (let i = 0; i < userId.length; i++) h = (h * 31 + userId.charCodeAt(i)) >>> 0;
  let best = "";
  let bestCount = Number.POSITIVE_INFINITY;
  for (let k = 0; k < COLORS.length; k++) {
    const color = COLORS[(h + k) % COLORS.length] as string;
    const count = taken.filter((c) => c === color).length;
    if (count < bestCount) {
      best = color;
      bestCount = count;
    }
  }
  return best;
}
