/** The list as a room keeps it: what everyone may read, plus what only the room knows. */
import type { WatchlistView } from "../../protocol/index.ts";

/**
 * The list itself (name, symbols, the key's hash), which is small. Its alerts, drawings and
 * activity have keys of their own (`list-alerts.ts`, `drawings.ts`, `activity.ts`), so that a
 * change to one writes one small row.
 */
export const LIST_KEY = "list";

export type StoredList = WatchlistView & { keyHash: string; created: number };

/**
 * What stays of a deleted list under `LIST_KEY`: that it existed, so the id is never created
 * again (a deleted list's old links must not lead to someone else's), and nothing of its content.
 */
export type Tombstone = { id: string; deleted: number };

export type StoredRecord = StoredList | Tombstone;

export function isTombstone(record: StoredRecord): record is Tombstone {
  return "deleted" in record;
}

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
