/**
 * The loop every exchange's history request runs: fetch a page, read what its answer means,
 * keep its rows, and go on from a cursor (a window of time, a `since`, a page token) until the
 * exchange's own paging says the range is served. Where the pages lie, what an error means and
 * how a row reads stay with each exchange; this only strings the pages together, so that any
 * page that fails ends the run with the bars already fetched.
 */
import {
  type Candles,
  errorText,
  failed,
  getPage,
  type Page,
  type Row,
  type Span,
} from "./history.ts";
import type { HistoryFetch, HistoryResult } from "./types.ts";

/** How one exchange pages one request, from the cursor of its first page. */
export type Paging<C> = {
  provider: string;
  fetch: HistoryFetch;
  headers?: Record<string, string>;
  /** Where the bars go; a run cut short hands over the ones already in. */
  candles: Candles;
  first: C;
  /** Pages one request fetches at most, where the exchange's answers might page on and on. */
  most?: number;
  url: (cursor: C) => string;
  /** What an answer means when it brings no rows (an error, a limit), or null when it does. */
  problem: (page: Page) => HistoryResult | null;
  /** The rows of an answer, or what it means when it holds none in the documented form. */
  rows: (page: Page) => unknown[] | HistoryResult;
  read: (row: unknown) => Row;
  /**
   * The cursor of the page after page `n` (from 0), or null when that one was the last. Without
   * `next` a request is one page.
   */
  next?: (cursor: C, rows: unknown[], page: Page, n: number) => C | null;
};

/**
 * Fetches the pages in turn, their bars into `candles`. Null once the last page is in; else the
 * answer that ended the run early, carrying the bars fetched before it.
 */
export async function paged<C>(paging: Paging<C>): Promise<HistoryResult | null> {
  const { provider, candles } = paging;
  let cursor = paging.first;
  for (let n = 0; n < (paging.most ?? Number.POSITIVE_INFINITY); n++) {
    const page = await getPage(paging.fetch, paging.url(cursor), provider, paging.headers);
    if (typeof page === "string") return failed(page, candles);
    const problem = paging.problem(page);
    if (problem) return problem;
    const rows = paging.rows(page);
    if (!Array.isArray(rows)) return rows;
    const broken = unreadable(provider, candles.add(rows, paging.read), rows.length);
    if (broken) return failed(broken, candles);
    const next = paging.next?.(cursor, rows, page, n) ?? null;
    if (next === null) break;
    cursor = next;
  }
  return null;
}

/** The bars one page asks for, from `start` to `end`: both bar starts, both included. */
export type Window = { start: number; end: number };

/**
 * Windows of at most `bars` bars of `step` ms, newest first, from the range's last bar back to
 * its first, so that a run cut short by a limit still holds the bars that meet the live trades.
 * Each window ends `gap` ms before the one after it in time starts.
 */
export function windowsBack(
  range: Span,
  step: number,
  bars: number,
  gap: number,
): Pick<Paging<Window>, "first" | "next"> {
  const ending = (end: number) => ({ start: Math.max(range.first, end - (bars - 1) * step), end });
  return {
    first: ending(range.last),
    next: ({ start }) => (start === range.first ? null : ending(start - gap)),
  };
}

/** `rows` when they are a list; else the failure of an answer the exchange does not document. */
export function listOf(
  provider: string,
  what: string,
  rows: unknown,
  page: Page,
  candles: Candles,
): unknown[] | HistoryResult {
  if (Array.isArray(rows)) return rows;
  return failed(`${provider} answered ${what} that are not a list: ${errorText(page)}`, candles);
}

/**
 * A page whose rows were all unreadable means the answer is not what the exchange documents
 * (another format, another interval than the one asked for): better said than shown as empty.
 */
function unreadable(provider: string, bad: number, rows: number): string | null {
  return rows > 0 && bad === rows
    ? `${provider} answered ${rows} candle row(s), none of them readable`
    : null;
}
