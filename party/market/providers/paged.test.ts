import { describe, expect, it } from "vitest";
import { Candles, failed, type Page, row, type Span } from "./history.ts";
import { listOf, type Paging, paged, type Window, windowsBack } from "./paged.ts";
import type { HistoryResult } from "./types.ts";

const MIN = 60_000;
const T = Date.UTC(2026, 0, 15, 12, 0);
/** Five minutes, T to T + 4 min. */
const RANGE: Span = { first: T, last: T + 4 * MIN };

/** A fetch that records what it is asked and answers each URL from `reply`. */
function server(reply: (url: URL, n: number) => { status?: number; body: unknown } | Error) {
  const asked: { url: URL; headers?: Record<string, string> }[] = [];
  const fetch = async (url: string, init?: { headers: Record<string, string> }) => {
    const u = new URL(url);
    asked.push({ url: u, headers: init?.headers });
    const r = reply(u, asked.length);
    if (r instanceof Error) throw r;
    return new Response(JSON.stringify(r.body), { status: r.status ?? 200 });
  };
  return { asked, fetch };
}

/** The minutes of a window as rows `[start, open, high, low, close, volume]`. */
function minutes(u: URL): number[][] {
  const rows: number[][] = [];
  for (
    let t = Number(u.searchParams.get("start"));
    t <= Number(u.searchParams.get("end"));
    t += MIN
  ) {
    rows.push([t, 1, 2, 1, 1.5, 3]);
  }
  return rows;
}

const read = (r: unknown) => {
  if (!Array.isArray(r)) return null;
  const [t, o, h, l, c, v] = r;
  return row(typeof t === "number" ? t : null, o, h, l, c, v);
};

/** A run over `fetch` in windows of two minutes, each from the one before by `gap`. */
function windows(
  fetch: Paging<Window>["fetch"],
  gap: number,
  over: Partial<Paging<Window>> = {},
): { candles: Candles; run: Promise<HistoryResult | null> } {
  const candles = new Candles(RANGE);
  const run = paged({
    provider: "test",
    fetch,
    candles,
    ...windowsBack(RANGE, MIN, 2, gap),
    url: ({ start, end }) => `http://x.test/bars?start=${start}&end=${end}`,
    problem: (page) => (page.status === 200 ? null : failed(`test: HTTP ${page.status}`, candles)),
    rows: (page) => listOf("test", "bars", page.body, page, candles),
    read,
    ...over,
  });
  return { candles, run };
}

const starts = (candles: Candles) => candles.list().map((c) => (c[0] - T) / MIN);
const ends = (asked: { url: URL }[]) =>
  asked.map(({ url }) =>
    [url.searchParams.get("start"), url.searchParams.get("end")].map((t) => (Number(t) - T) / MIN),
  );

describe("paged history", () => {
  it("pages back newest first and stops at the range's first bar", async () => {
    const { asked, fetch } = server((u) => ({ body: minutes(u) }));
    const { candles, run } = windows(fetch, 0);
    expect(await run).toBeNull();
    // Each window ends where the one after it in time starts.
    expect(ends(asked)).toEqual([
      [3, 4],
      [2, 3],
      [1, 2],
      [0, 1],
    ]);
    expect(starts(candles)).toEqual([0, 1, 2, 3, 4]);

    const apart = server((u) => ({ body: minutes(u) }));
    const second = windows(apart.fetch, MIN);
    expect(await second.run).toBeNull();
    // A gap of one bar: no bar is asked for twice, and the last window is the first bar alone.
    expect(ends(apart.asked)).toEqual([
      [3, 4],
      [1, 2],
      [0, 0],
    ]);
    expect(starts(second.candles)).toEqual([0, 1, 2, 3, 4]);
  });

  it("keeps the bars already fetched when a later page fails", async () => {
    const broken = server((u, n) =>
      n === 2 ? new TypeError("fetch failed") : { body: minutes(u) },
    );
    expect(await windows(broken.fetch, 0).run).toEqual({
      kind: "failed",
      message: "test: fetch failed",
      candles: [
        [T + 3 * MIN, 1, 2, 1, 1.5, 3],
        [T + 4 * MIN, 1, 2, 1, 1.5, 3],
      ],
    });
    expect(broken.asked).toHaveLength(2);

    const refused = server((u, n) => (n === 3 ? { status: 503, body: {} } : { body: minutes(u) }));
    const result = await windows(refused.fetch, 0).run;
    expect(result).toMatchObject({ kind: "failed", message: "test: HTTP 503" });
    expect(result?.kind === "failed" && result.candles.map((c) => (c[0] - T) / MIN)).toEqual([
      2, 3, 4,
    ]);
  });

  it("fails on an answer that is not a list, or whose rows are all unreadable", async () => {
    const odd = server((u, n) => ({ body: n === 2 ? { bars: "none" } : minutes(u) }));
    expect(await windows(odd.fetch, 0).run).toMatchObject({
      kind: "failed",
      message: 'test answered bars that are not a list: {"bars":"none"}',
    });
    const unreadable = server((u, n) => ({ body: n === 2 ? [["x"], [T + 1]] : minutes(u) }));
    const result = await windows(unreadable.fetch, 0).run;
    expect(result).toMatchObject({
      kind: "failed",
      message: "test answered 2 candle row(s), none of them readable",
    });
    expect(result?.kind === "failed" && result.candles).toHaveLength(2);
    // An empty page is a stretch without trades, not an unreadable answer.
    const empty = server(() => ({ body: [] }));
    expect(await windows(empty.fetch, 0).run).toBeNull();
    expect(empty.asked).toHaveLength(4);
  });

  it("fetches at most `most` pages, and one page without `next`", async () => {
    const endless = server((u) => ({ body: minutes(u) }));
    const capped = windows(endless.fetch, 0, {
      most: 2,
      next: ({ start }) => ({ start: start - MIN, end: start }),
    });
    expect(await capped.run).toBeNull();
    expect(endless.asked).toHaveLength(2);
    expect(starts(capped.candles)).toEqual([2, 3, 4]);

    const single = server((u) => ({ body: minutes(u) }));
    const one = windows(single.fetch, 0, { next: undefined });
    expect(await one.run).toBeNull();
    expect(single.asked).toHaveLength(1);
  });

  it("hands each page's cursor, rows and number to `next`, and sends the headers", async () => {
    const seen: [string | null, number, number][] = [];
    const { asked, fetch } = server((u) => ({
      body: { rows: minutes(u), token: u.searchParams.get("start") === String(T) ? null : "t2" },
    }));
    const candles = new Candles(RANGE);
    const body = (page: Page) => page.body as { rows: unknown; token: string | null };
    const run = paged<string | null>({
      provider: "test",
      fetch,
      headers: { key: "k" },
      candles,
      first: null,
      url: (token) =>
        `http://x.test/bars?start=${token ? T : T + 3 * MIN}&end=${token ? T + 2 * MIN : T + 4 * MIN}`,
      problem: () => null,
      rows: (page) => listOf("test", "bars", body(page).rows, page, candles),
      read,
      next: (token, rows, page, n) => {
        seen.push([token, rows.length, n]);
        return body(page).token;
      },
    });
    expect(await run).toBeNull();
    expect(seen).toEqual([
      [null, 2, 0],
      ["t2", 3, 1],
    ]);
    expect(asked.map((a) => a.headers)).toEqual([{ key: "k" }, { key: "k" }]);
    expect(starts(candles)).toEqual([0, 1, 2, 3, 4]);
  });
});
