/**
 * Replays (`scripts/feed.ts --replay`) into a real `partykit dev`: the sample file ends with the
 * rooms holding exactly its trades, pacing follows the file's times, a second run adds nothing,
 * and a bad file is refused with its line numbers before anything is pushed.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTradesCsv } from "../../party/market/trades-csv.ts";
import type { Tick } from "../../party/protocol/index.ts";
import { ROOT } from "../../scripts/settings.ts";
import { startFeed, stopAllFeeds } from "../fakes/feed-process.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

const TOKEN = "feed-replay-token";
const SAMPLE = join(ROOT, "samples/trades.csv");
/** The feed reads the repo's .env, so a developer's token there fills in a missing one. */
const dotEnvToken = (() => {
  const file = join(ROOT, ".env");
  return existsSync(file) && Boolean(parseEnv(readFileSync(file, "utf8")).INGEST_TOKEN);
})();

let server: TestServer;
let dir: string;

beforeAll(async () => {
  [server, dir] = await Promise.all([
    startServer({ env: { INGEST_TOKEN: TOKEN } }),
    mkdtemp(join(tmpdir(), "tickerroom-replay-")),
  ]);
});

afterAll(async () => {
  await stopAllFeeds();
  await server?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

type Room = { source: string; seq: number; ticks: Tick[] };
async function room(symbol: string): Promise<Room> {
  const res = await fetch(`${server.url}/parties/ticker/${symbol}`, {
    signal: AbortSignal.timeout(5000),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Room;
}

function replay(args: string[]) {
  return startFeed(["--replay", ...args, "--server", server.url, "--status-ms", "0"], {
    INGEST_TOKEN: TOKEN,
  });
}

/** The file's trades per symbol, in time order, as the rooms should hold them. */
async function expected(file: string): Promise<Map<string, Tick[]>> {
  const parsed = parseTradesCsv(await readFile(file, "utf8"));
  if (!parsed.ok) throw new Error(`${file} is not valid`);
  const bySymbol = new Map<string, Tick[]>();
  for (const t of [...parsed.trades].sort((a, b) => a.time - b.time)) {
    bySymbol.set(t.symbol, [...(bySymbol.get(t.symbol) ?? []), [t.time, t.price, t.size]]);
  }
  return bySymbol;
}

describe("replay", () => {
  it("pushes the sample file at full speed; the rooms hold exactly its trades", async () => {
    const want = await expected(SAMPLE);
    expect([...want.keys()].sort()).toEqual(["AAPL", "BTC-USD", "MSFT"]);
    const total = [...want.values()].reduce((n, ticks) => n + ticks.length, 0);

    const feed = replay([SAMPLE, "--speed", "max"]);
    expect((await feed.waitForExit(30_000)).code, feed.output()).toBe(0);
    expect(feed.stdout()).toMatch(new RegExp(`done: pushed ${total} of ${total} trades`));
    expect(feed.stdout()).toMatch(/^replay: 100% \(320 of 320 trades\)$/m);

    const seqs = new Map<string, number>();
    for (const [symbol, ticks] of want) {
      const r = await room(symbol);
      expect(r.source).toBe("push");
      expect(r.ticks).toEqual(ticks);
      seqs.set(symbol, r.seq);
    }

    // Run again: everything is already there, and nothing is added twice.
    const again = replay([SAMPLE, "--speed", "max"]);
    expect((await again.waitForExit(30_000)).code).toBe(1);
    expect(again.stdout()).toMatch(
      /pushed 0 of 320 trades .*; 320 already in a room or older than its last pushed tick \(try --now\)/,
    );
    for (const [symbol, ticks] of want) {
      const r = await room(symbol);
      expect(r.ticks).toEqual(ticks);
      expect(r.seq).toBe(seqs.get(symbol));
    }
  });

  it("paces trades by their times divided by the speed, and --now moves them to the present", async () => {
    const file = join(dir, "paced.csv");
    const t0 = Date.UTC(2025, 2, 14, 14, 30);
    const rows = Array.from(
      { length: 9 },
      (_, i) => `PACE,${t0 + i * 250},${(50 + i / 10).toFixed(2)},${i + 1}`,
    );
    await writeFile(file, `${rows.join("\n")}\n`);

    const started = Date.now();
    const feed = replay([file, "--speed", "4", "--now"]);
    expect((await feed.waitForExit(20_000)).code, feed.output()).toBe(0);
    const ended = Date.now();
    // 2 s of trades at 4x: half a second at least, from the first trade to the last.
    expect(ended - started).toBeGreaterThanOrEqual(500);

    const r = await room("PACE");
    expect(r.ticks.map((t) => [t[1], t[2]])).toEqual(
      rows.map((_, i) => [Number((50 + i / 10).toFixed(2)), i + 1]),
    );
    const first = (r.ticks[0] as Tick)[0];
    expect(first).toBeGreaterThanOrEqual(started);
    expect(first).toBeLessThanOrEqual(ended);
    // The spacing of the file is kept.
    expect(r.ticks.map((t) => t[0] - first)).toEqual(rows.map((_, i) => i * 250));
  });

  it("refuses a bad file with its line numbers and pushes nothing", async () => {
    const file = join(dir, "bad.csv");
    await writeFile(
      file,
      [
        "symbol,time,price,size",
        "BADA,2025-03-14T14:30:00.000Z,10,1",
        "BADB,yesterday,10,1",
        "BADA,2025-03-14T14:30:01.000Z,-2,1",
        "BADB,2025-03-14T14:30:02.000Z,10",
        "BADA,2025-03-14T14:30:03.000Z,11,1",
      ].join("\n"),
    );
    const feed = replay([file, "--speed", "max"]);
    expect((await feed.waitForExit()).code).toBe(1);
    expect(feed.stderr()).toContain(
      [
        `feed: ${file}: 3 bad line(s); nothing was pushed`,
        'feed:   line 3: time "yesterday" is neither epoch milliseconds nor an ISO 8601 time',
        'feed:   line 4: price "-2" is not a positive number',
        "feed:   line 5: expected 4 fields (symbol,time,price,size), found 3",
      ].join("\n"),
    );
    for (const symbol of ["BADA", "BADB"]) expect((await room(symbol)).source).toBe("sim");
  });

  it("prints the usage with --help and refuses bad options", async () => {
    const help = startFeed(["--help"], {});
    expect((await help.waitForExit()).code).toBe(0);
    expect(help.stdout()).toMatch(
      /^Usage:\n {2}npm run feed -- --provider finnhub\|alpaca --symbols/,
    );

    const bad = startFeed(["--replay", SAMPLE, "--speed", "0"], { INGEST_TOKEN: TOKEN });
    expect((await bad.waitForExit()).code).toBe(2);
    expect(bad.stderr()).toMatch(/--speed must be a positive number or "max"/);

    if (!dotEnvToken) {
      const noToken = startFeed(["--replay", SAMPLE], {});
      expect((await noToken.waitForExit()).code).toBe(2);
      expect(noToken.stderr()).toMatch(/INGEST_TOKEN is not set/);
    }
  });
});
