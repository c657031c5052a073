/**
 * A viewer's own order for a watchlist's rows: by one column, up or down, kept in the address
 * (`?sort=changePct&dir=desc`) so that a reload or a shared link shows it again. It never
 * touches the list's shared order, which only edits change.
 */
import type { MarketSession, Quote } from "../../party/protocol/index.ts";
import { figure, rangePosition, sessionOf } from "./market-state.ts";

export const SORT_KEYS = [
  "symbol",
  "last",
  "change",
  "changePct",
  "volume",
  "dayRange",
  "range52",
  "session",
] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDir = "asc" | "desc";
export type Sort = { key: SortKey; dir: SortDir };

/** The sort in the address, or null for the list's own order (also for anything unreadable). */
export function parseSort(key: string | null, dir: string | null): Sort | null {
  if (key === null || !(SORT_KEYS as readonly string[]).includes(key)) return null;
  return { key: key as SortKey, dir: dir === "desc" ? "desc" : "asc" };
}

/** Writes `sort` into search params, leaving every other parameter as it was. */
export function writeSort(params: URLSearchParams, sort: Sort | null): URLSearchParams {
  if (sort === null) {
    params.delete("sort");
    params.delete("dir");
  } else {
    params.set("sort", sort.key);
    params.set("dir", sort.dir);
  }
  return params;
}

/** A column header's click: up, then down, then back to the list's order. */
export function nextSort(current: Sort | null, key: SortKey): Sort | null {
  if (current === null || current.key !== key) return { key, dir: "asc" };
  return current.dir === "asc" ? { key, dir: "desc" } : null;
}

/** Open markets first, then the extended sessions, then closed ones. */
const SESSION_RANK: Record<MarketSession, number> = {
  regular: 0,
  continuous: 1,
  pre: 2,
  post: 3,
  closed: 4,
};

/** What a row is sorted by; null when the row has no such figure (yet). */
export function sortValue(
  key: SortKey,
  symbol: string,
  quote: Quote | null,
): number | string | null {
  if (key === "symbol") return symbol;
  if (quote === null) return null;
  switch (key) {
    case "last":
      return quote.price;
    case "change":
      return quote.change;
    case "changePct":
      return quote.changePct;
    case "volume":
      return quote.volume;
    case "dayRange":
      // Where the price is in the day's range: a row near its high sorts above one near its low.
      return rangePosition(quote.price, quote.low, quote.high);
    case "range52": {
      const low = figure(quote.low52);
      const high = figure(quote.high52);
      return low === null || high === null ? null : rangePosition(quote.price, low, high);
    }
    case "session": {
      const session = sessionOf(quote);
      return session === null ? null : SESSION_RANK[session];
    }
  }
}

/**
 * The symbols in the sort's order: rows without the figure go last either way, and ties keep
 * the list's order. Returns a new array; `quotes` lines up with `symbols`.
 */
export function sortSymbols(
  symbols: readonly string[],
  quotes: readonly (Quote | null)[],
  sort: Sort,
): string[] {
  const sign = sort.dir === "asc" ? 1 : -1;
  const rows = symbols.map((symbol, index) => ({
    symbol,
    index,
    value: sortValue(sort.key, symbol, quotes[index] ?? null),
  }));
  rows.sort((a, b) => {
    if (a.value === null || b.value === null) {
      return a.value === b.value ? a.index - b.index : a.value === null ? 1 : -1;
    }
    const order =
      typeof a.value === "string" || typeof b.value === "string"
        ? String(a.value).localeCompare(String(b.value))
        : a.value - b.value;
    return order === 0 || Number.isNaN(order) ? a.index - b.index : sign * order;
  });
  return rows.map((row) => row.symbol);
}

export function sameOrder(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((symbol, i) => symbol === b[i]);
}
