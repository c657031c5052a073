/**
 * Long chart ranges over real HTTP against the running server: `GET /parties/ticker/:symbol?
 * range=…` for every range on a simulated coin and stock, the NYSE calendar with sessions on,
 * the same bars after a restart, pushed rooms answering from what they hold, a clear 400 for a
 * bad range, and reads that store nothing.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DAY_MS, isTradingDay, weekday } from "../../party/market/sessions/index.ts";
import type { Candle, Quote, RangeAnswer } from "../../party/protocol/index.ts";
import { RUNTIME, startServers, type TestServer } from "../helpers/server.ts";
import {
  expectCandles,
  expectHttpError,
  getSnapshot,
  push,
  type Tick,
} from "../helpers/ticker-wire.ts";
import { WsClient } from "../helpers/ws-client.ts";

const TOKEN = "ranges-token";
const MIN = 60_000;
const HOUR = 60 * MIN;

let server: TestServer;
let sessions: TestServer;

beforeAll(async () => {
  [server, sessions] = await startServers(
    { env: { INGEST_TOKEN: TOKEN } },
    { env: { SIM_SESSIONS: "on" } },
  );
});

afterAll(async () => {
  await Promise.all([server?.dispose(), sessions?.dispose()]);
});

type Reply = { status: number; cacheControl: string | null; body: unknown };

async function getRange(target: TestServer, symbol: string, range: string): Promise<Reply> {
  const res = await fetch(`${target.url}/parties/ticker/${symbol}?range=${range}`, {
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  return {
    status: res.status,
    cacheControl: res.headers.get("cache-control"),
    body: JSON.parse(text),
  };
}

async function answer(target: TestServer, symbol: string, range: string): Promise<RangeAnswer> {
  return answerOf(await getRange(target, symbol, range), symbol, range);
}

function answerOf(reply: Reply, symbol: string, range: string): RangeAnswer {
  expect(reply.status, JSON.stringify(reply.body).slice(0, 300)).toBe(200);
  const body = reply.body as RangeAnswer;
  expect(body).toMatchObject({ v: 1, symbol, range });
  expectCandles(body.candles);
  return body;
}

/** For each range: its interval, how many bars a market open around the clock gives, and what
 * every bar's start is a multiple of. */
const EXPECTED = {
  "1d": { interval: "1min", min: 1380, max: 1442, step: MIN },
  "5d": { interval: "15min", min: 4 * 96, max: 5 * 96, step: 15 * MIN },
  "1m": { interval: "1hour", min: 30 * 24, max: 31 * 24 + 1, step: HOUR },
  "6m": { interval: "1day", min: 182, max: 183, step: DAY_MS },
  "1y": { interval: "1day", min: 365, max: 366, step: DAY_MS },
  "5y": { interval: "1week", min: 260, max: 262, step: DAY_MS },
} as const;

const dayOf = (c: Candle) => Math.floor(c[0] / DAY_MS);

describe("every range of a simulated coin and stock", () => {
  for (const symbol of ["BTC-USD", "AAPL"]) {
    it.each(Object.entries(EXPECTED))(`${symbol} %s`, async (range, expected) => {
      const started = Date.now();
      const reply = await getRange(server, symbol, range);
      const body = answerOf(reply, symbol, range);
      expect(body.source).toBe("sim");
      expect(body.interval).toBe(expected.interval);
      const { candles } = body;
      expect(candles.length).toBeGreaterThanOrEqual(expected.min);
      expect(candles.length).toBeLessThanOrEqual(expected.max);
      for (const c of candles) expect(c[0] % expected.step, `${c[0]}`).toBe(0);
      if (range === "5y") expect(candles.every((c) => weekday(dayOf(c)) === 1)).toBe(true);
      // The newest bar is now's: within one bar of the request.
      const last = candles.at(-1) as Candle;
      const bar = range === "5y" ? 7 * DAY_MS : expected.step;
      expect(last[0]).toBeGreaterThan(started - bar - MIN);
      expect(last[0]).toBeLessThanOrEqual(Date.now());
      // Cached for a fraction of a bar.
      const maxAge = Number(/max-age=(\d+)/.exec(reply.cacheControl ?? "")?.[1]);
      expect(maxAge).toBeGreaterThan(0);
      expect(maxAge * 1000).toBeLessThanOrEqual(Math.max(10_000, expected.step / 6));
    });
  }
});

describe("a stock on the NYSE calendar (SIM_SESSIONS on)", () => {
  it("has no bar on a weekend or a holiday in a year of daily bars", async () => {
    const year = await answer(sessions, "MSFT", "1y");
    const { candles } = year;
    // Daily bars hold the regular session; 5D shows the extended hours too.
    expect(year.hours).toBe("regular");
    expect((await answer(sessions, "MSFT", "5d")).hours).toBe("all");
    expect(candles.length).toBeGreaterThan(245);
    expect(candles.length).toBeLessThan(256);
    expect(candles.filter((c) => [0, 6].includes(weekday(dayOf(c))))).toEqual([]);
    // Market holidays (weekdays the NYSE calendar closes) have no bar either; other weekdays do.
    const stamps = new Set(candles.map(dayOf));
    const first = dayOf(candles[0] as Candle);
    const last = dayOf(candles.at(-1) as Candle);
    const holidays: number[] = [];
    for (let day = first; day <= last; day++) {
      if ([0, 6].includes(weekday(day))) continue;
      if (isTradingDay(day)) expect(stamps.has(day), `${day}`).toBe(true);
      else holidays.push(day);
    }
    expect(holidays.length).toBeGreaterThanOrEqual(5);
    expect(holidays.filter((day) => stamps.has(day))).toEqual([]);
    // A coin on the same server trades every day.
    const coin = await answer(sessions, "ETH-USD", "1y");
    expect(coin.candles.length).toBeGreaterThanOrEqual(365);
    expect(coin.hours).toBe("all");
  });
});

describe("determinism", () => {
  it("gives the same bars after the server restarts", async () => {
    const before = await Promise.all([
      answer(server, "SOL-USD", "1y"),
      answer(server, "NVDA", "1m"),
    ]);
    await server.restart();
    const after = await Promise.all([
      answer(server, "SOL-USD", "1y"),
      answer(server, "NVDA", "1m"),
    ]);
    for (const [i, first] of before.entries()) {
      const second = after[i] as RangeAnswer;
      // The newest bar is still trading; every finished one is the same.
      const settled = (c: Candle) => c[0] < (first.candles.at(-1) as Candle)[0];
      const kept = first.candles.filter(settled);
      expect(kept.length).toBeGreaterThan(100);
      expect(second.candles.filter(settled)).toEqual(kept);
    }
  });
});

describe("a pushed room", () => {
  it("answers from the minutes it holds, folded into the range's interval", async () => {
    const now = Date.now();
    const ticks: Tick[] = [
      [now - 3 * HOUR, 100, 1],
      [now - 2 * HOUR, 104, 2],
      [now - HOUR, 98, 3],
      [now - MIN, 101, 4],
    ];
    const pushed = await push(server.url, "RANGEPUSH", { ticks }, TOKEN);
    expect(pushed.status, pushed.text).toBe(200);
    const day = await answer(server, "RANGEPUSH", "1d");
    expect(day.source).toBe("push");
    expect(day.interval).toBe("1min");
    expect(day.candles.map((c) => c[4])).toEqual([100, 104, 98, 101]);
    const year = await answer(server, "RANGEPUSH", "1y");
    expect(year.interval).toBe("1day");
    const total = year.candles.reduce((sum, c) => sum + c[5], 0);
    expect(total).toBe(10);
    expect(Math.max(...year.candles.map((c) => c[2]))).toBe(104);
    expect(Math.min(...year.candles.map((c) => c[3]))).toBe(98);
    // A day is all it holds: its quote claims no 52-week range.
    const { quote } = await getSnapshot(server.url, "RANGEPUSH");
    expect(quote?.price).toBe(101);
    expect(quote).not.toHaveProperty("high52");
    expect(quote).not.toHaveProperty("low52");
  });
});

describe("a simulated room's quote", () => {
  it.each([
    ["MSFT", "a stock on the NYSE calendar"],
    ["ETH-USD", "a coin"],
  ])("of %s (%s) carries the 52-week range its 1Y chart shows", async (symbol) => {
    const { quote } = await getSnapshot(sessions.url, symbol);
    const { candles } = await answer(sessions, symbol, "1y");
    const { high52, low52, high, low } = quote as Quote;
    const highs = (bars: Candle[]) => Math.max(...bars.map((c) => c[2]));
    const lows = (bars: Candle[]) => Math.min(...bars.map((c) => c[3]));
    // Bars older than the latest sessions are the same in both; the latest fold their ticks
    // for the chart, which the quote's range reads at most a minute's swing inside. The chart
    // starts a few days before the 52 weeks do.
    const older = candles.slice(5, -6);
    expect(high52).toBeGreaterThanOrEqual(Math.max(highs(older), high));
    expect(high52).toBeLessThanOrEqual(Math.max(highs(candles), high));
    expect(low52).toBeLessThanOrEqual(Math.min(lows(older), low));
    expect(low52).toBeGreaterThanOrEqual(Math.min(lows(candles), low));
    // A watchlist row's socket gets it too.
    const client = await WsClient.connect(sessions.wsUrl(`/parties/ticker/${symbol}?mode=quote`));
    try {
      const snapshot = await client.nextOf("snapshot", 5000);
      expect(snapshot.quote).toMatchObject({ high52, low52 });
    } finally {
      await client.close();
    }
  });
});

describe("bad requests", () => {
  it.each(["1Y", "2y", "", "max", "1d%00"])(
    "refuses range=%s with a 400 naming the ranges",
    async (range) => {
      const reply = await getRange(server, "AAPL", range);
      expect(reply.status).toBe(400);
      expect(expectHttpError(reply.body).message).toContain("1d, 5d, 1m, 6m, 1y, 5y");
    },
  );
});

describe("reads", () => {
  it.skipIf(RUNTIME !== "worker")("of every range store nothing", async () => {
    const before = roomFiles(server);
    for (const range of Object.keys(EXPECTED)) await answer(server, "READRANGE", range);
    await answer(server, "READ-USD", "5y");
    expect((await getRange(server, "READBAD", "10y")).status).toBe(400);
    const read = [...roomFiles(server)].filter(([id]) => !before.has(id));
    expect(read.length).toBeGreaterThan(0);
    // The runtime makes an empty database for any object it starts; nothing is written to it.
    for (const [, files] of read) {
      expect(files.wal).toBe(0);
      expect(files.db).toBeLessThanOrEqual(4096);
    }
  });
});

/** Each ticker room's database files and their sizes, by object id, as the Worker keeps them. */
function roomFiles(target: TestServer): Map<string, { db: number; wal: number }> {
  const dir = join(target.persist, "do/-Ticker");
  const rooms = new Map<string, { db: number; wal: number }>();
  if (!existsSync(dir)) return rooms;
  for (const file of readdirSync(dir)) {
    const m = /^([0-9a-f]{64})\.sqlite(-wal)?$/.exec(file);
    if (!m) continue;
    const entry = rooms.get(m[1] as string) ?? { db: 0, wal: 0 };
    entry[m[2] ? "wal" : "db"] = statSync(join(dir, file)).size;
    rooms.set(m[1] as string, entry);
  }
  return rooms;
}
