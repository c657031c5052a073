/** The list as a room keeps it: what everyone may read, plus what only the room knows. */
import type { WatchlistView } from "../../protocol/index.ts";

/** The one storage key a list room writes: the whole list, which is small. */
export const LIST_KEY = "list";

export type StoredList = WatchlistView & { keyHash: string; created: number };

/** A new list from a create request: symbols in order, duplicates dropped. */
export function newList(
  id: string,
  name: string | undefined,
  symbols: readonly string[] | undefined,
): WatchlistView {
  return { id, name: name ?? "Watchlist", symbols: [...new Set(symbols ?? [])], version: 1 };
}

/** The readable part, without the key's hash. */
export function viewOf(list: StoredList): WatchlistView {
  return { id: list.id, name: list.name, symbols: list.symbols, version: list.version };
}
