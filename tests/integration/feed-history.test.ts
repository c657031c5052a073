/**
 * Exchange rooms open on a day of history, and their feed states tell the truth, end to end:
 * the Worker's rooms connect to local fake exchanges (socket and REST, the URLs overridden as a
 * user would), watched by plain WebSocket clients. Nothing here reaches the internet.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeExchange, startFakeExchange } from "../fakes/fake-exchange.ts";
import { type FakeExchangeRest, startFakeExchangeRest } from "../fakes/fake-exchange-rest.ts";
import { startServer, type TestServer } from "../helpers/server.ts";
import {
  bucket,
  DAY,
  getSnapshot,
  MINUTE as MIN,
  type Snapshot,
  type TicksFrame as Ticks,
} from "../helpers/ticker-wire.ts";
import { type Typed, WsClient } from "../helpers/ws-client.ts";

type Status = Typed<"status"> & { status: string; stale: boolean };

let server: TestServer;
let rest: FakeExchangeRest;
let coinbase: FakeExchange;
let kraken: FakeExchange;
let binance: FakeExchange;
let clients: WsClient[] = [];

beforeAll(async () => {
  [coinbase, kraken, binance, rest] = await Promise.all([
    startFakeExchange({ dialect: "coinbase", heartbeatMs: 500 }),
    startFakeExchange({ dialect: "kraken", heartbeatMs: 500 }),
    startFakeExchange({ dialect: "binance" }),
    startFakeExchangeRest({
      // Nothing traded in the last ten minutes: a room watched again soon still has a hole.
      quiet: [[Date.now() - 10 * MIN, Date.now() + DAY]],
      symbols: [
        "BTC-USD",
        "ETH-USD",
        "LTC-USD",
        "SOL-USD",
        "DOT-USD",
        "ADA-USD",
        "DOGE-USD",
      ].concat(["LINK-USDT", "XRP-USDT", "SOL-USDT", "ETH-USDT"]),
    }),
  ]);
  server = await startServer({
    env: {
      FEEDS:
        "BTC-USD=coinbase,ETH-USD=coinbase,LTC-USD=coinbase,SOL-USD=kraken,DOT-USD=kraken,ADA-USD=kraken,DOGE-USD=kraken,*-USDT=binance",
      COINBASE_WS_URL: coinbase.url,
      KRAKEN_WS_URL: kraken.url,
      BINANCE_WS_URL: binance.url,
      COINBASE_REST_URL: rest.url,
      KRAKEN_REST_URL: rest.url,
      BINANCE_REST_URL: rest.url,
    },
  });
});

afterEach(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  clients = [];
  rest.restore();
  coinbase.confirmAfter(0);
  kraken.confirmAfter(0);
  binance.confirmAfter(0);
  kraken.systemStatus("online");
});

afterAll(async () => {
  await server?.dispose();
  await Promise.all([coinbase?.close(), kraken?.close(), binance?.close(), rest?.close()]);
});

async function watch(symbol: string) {
  const client = await WsClient.connect(server.wsUrl(`/parties/ticker/${symbol}`));
  clients.push(client);
  const snapshot = (await client.nextOf("snapshot", 5000)) as unknown as Snapshot;
  return { client, snapshot };
}

const snapshotOf = (symbol: string) => getSnapshot(server.url, symbol);

/** The next snapshot (the first, or a resync) that holds at least `min` candles. */
async function dayOf(client: WsClient, min: number, timeoutMs = 10_000): Promise<Snapshot> {
  const frame = await client.next(
    (d) =>
      (d as Snapshot | undefined)?.type === "snapshot" && (d as Snapshot).candles.length >= min,
    timeoutMs,
    `a snapshot with ${min} candles`,
  );
  return frame.data as Snapshot;
}

/** The next status frame that matches, with its arrival time. */
async function statusWhere(
  client: WsClient,
  match: (s: Status) => boolean,
  timeoutMs: number,
  what: string,
): Promise<Status & { at: number }> {
  const frame = await client.next(
    (d) => (d as Status | undefined)?.type === "status" && match(d as Status),
    timeoutMs,
    what,
  );
  return { ...(frame.data as Status), at: frame.at };
}

const isLive = (s: Status) => s.status === "live";

/** The status that says the room is live on trades alone, its history unavailable. */
const liveWithoutHistory = (client: WsClient, timeoutMs: number) =>
  statusWhere(
    client,
    (s) => s.status.startsWith("live;") && s.status.includes("history unavailable"),
    timeoutMs,
    "live without history",
  );

/** Waits until the room's snapshot says `status`, whatever order its frames came in. */
async function becomes(symbol: string, status: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: string | undefined;
  while (Date.now() < deadline) {
    last = (await snapshotOf(symbol)).status;
    if (last === status) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${symbol} did not say "${status}" within ${timeoutMs} ms; it says "${last}"`);
}

/** Every candle is the exchange's own minute, one per minute, oldest first, all finished. */
function expectExchangeDay(day: Snapshot, restSymbol: string) {
  const starts = day.candles.map((c) => c[0]);
  expect(starts).toEqual([...starts].sort((a, b) => a - b));
  expect(new Set(starts).size).toBe(starts.length);
  const current = bucket(day.serverTime);
  expect(starts[0]).toBeGreaterThanOrEqual(current - DAY - MIN);
  expect(starts.at(-1)).toBeLessThan(current + MIN);
  for (const c of day.candles) expect(c).toEqual(rest.candle(restSymbol, c[0]));
}

describe("an exchange room opens on a day of history", () => {
  it("coinbase: the day's one-minute candles, then live trades on top", async () => {
    const { client } = await watch("BTC-USD");
    const day = await dayOf(client, 1400);
    expect(day.candles.length).toBeLessThanOrEqual(1441);
    expectExchangeDay(day, "BTC-USD");
    // A room with history has a quote before its first trade.
    expect(day.quote?.price).toBe(day.candles.at(-1)?.[4]);
    await becomes("BTC-USD", "live");

    const t = Date.now();
    coinbase.trade("BTC-USD", 61_234.5, 0.5, t);
    await client.next(
      (d) =>
        (d as Ticks | undefined)?.type === "ticks" && (d as Ticks).ticks.some((k) => k[0] === t),
      5000,
      "the trade",
    );
    const after = await snapshotOf("BTC-USD");
    expect(after.candles.length).toBeGreaterThanOrEqual(day.candles.length);
    expect(after.candles.at(-1)?.[0]).toBe(bucket(t));
    expect(after.candles.at(-1)?.[4]).toBe(61_234.5);
    expect(after.quote?.price).toBe(61_234.5);

    // Whoever comes next gets the day in their first snapshot.
    const next = await watch("BTC-USD");
    expect(next.snapshot.candles.length).toBeGreaterThanOrEqual(day.candles.length);

    // Back within a minute, the room has no hole to fill and asks the exchange nothing.
    await Promise.all(clients.map((c) => c.close()));
    await coinbase.waitFor(
      () => coinbase.subscribers("BTC-USD") === 0,
      5000,
      "the socket to close",
    );
    rest.clearRequests();
    const again = await watch("BTC-USD");
    expect(again.snapshot.candles.length).toBeGreaterThanOrEqual(day.candles.length);
    await coinbase.waitFor(() => coinbase.subscribers("BTC-USD") === 1, 5000, "a subscription");
    await becomes("BTC-USD", "live");
    expect(rest.requestsTo("coinbase")).toEqual([]);
  });

  it("kraken: the twelve hours its REST API keeps", async () => {
    const { client } = await watch("SOL-USD");
    const day = await dayOf(client, 690);
    // Kraken serves only its 720 most recent one-minute entries, the last one still in progress.
    expect(day.candles.length).toBeLessThanOrEqual(720);
    expectExchangeDay(day, "SOL-USD");
    await becomes("SOL-USD", "live");
  });

  it("binance: the day's one-minute candles", async () => {
    const { client } = await watch("LINK-USDT");
    const day = await dayOf(client, 1400);
    expectExchangeDay(day, "LINK-USDT");
    await becomes("LINK-USDT", "live");

    // Back after a spell with no trade, it asks only for the minutes since its newest candle.
    const newest = day.candles.at(-1)?.[0];
    await Promise.all(clients.map((c) => c.close()));
    await binance.waitFor(() => binance.subscribers("LINKUSDT") === 0, 5000, "the socket to close");
    rest.clearRequests();
    const again = await watch("LINK-USDT");
    expect(again.snapshot.candles).toEqual(day.candles);
    await binance.waitFor(
      () => rest.requestsTo("binance").length > 0,
      5000,
      "a request for the hole",
    );
    const asked = rest.requestsTo("binance");
    expect(asked).toHaveLength(1);
    expect(Number(asked[0]?.query.startTime)).toBe(newest);
  });
});

describe("a failed history request leaves the room live on trades alone, and says so", () => {
  it("a 429 with Retry-After: live with trades, then the day once the limit lifts", async () => {
    rest.limit("coinbase", { retryAfterSeconds: 2 });
    const { client } = await watch("ETH-USD");
    const limited = await liveWithoutHistory(client, 10_000);
    expect(limited.status).toContain("429");
    expect(limited.stale).toBe(false);
    coinbase.trade("ETH-USD", 3210, 1);
    await client.next(
      (d) =>
        (d as Ticks | undefined)?.type === "ticks" && (d as Ticks).ticks.some((k) => k[1] === 3210),
      5000,
      "a trade while history is unavailable",
    );
    expect((await snapshotOf("ETH-USD")).candles).toHaveLength(1);

    rest.restore("coinbase");
    const day = await dayOf(client, 1400, 15_000);
    // The day lies under the trade the room saw meanwhile.
    expect(day.quote?.price).toBe(3210);
    expect(day.ticks.at(-1)?.[1]).toBe(3210);
    await becomes("ETH-USD", "live");
  });

  it("a server error: live with trades, the error in the status", async () => {
    rest.fail("kraken", { status: 500 });
    const { client } = await watch("DOT-USD");
    const failed = await liveWithoutHistory(client, 10_000);
    expect(failed.status).toContain("HTTP 500");
    kraken.trade("DOT/USD", 7.25, 10);
    const ticks = (await client.nextOf("ticks", 5000)) as unknown as Ticks;
    expect(ticks.ticks.at(-1)?.[1]).toBe(7.25);
  });

  it("a request that never answers: live with trades once it times out", async () => {
    rest.stall("binance");
    const { client } = await watch("SOL-USDT");
    const timedOut = await liveWithoutHistory(client, 20_000);
    expect(timedOut.stale).toBe(false);
    binance.trade("SOLUSDT", 150.5, 2);
    const ticks = (await client.nextOf("ticks", 5000)) as unknown as Ticks;
    expect(ticks.ticks.at(-1)?.[1]).toBe(150.5);
  }, 30_000);
});

describe("feed states tell the truth", () => {
  it("binance: an unknown symbol is refused at once, not left to go stale", async () => {
    const started = Date.now();
    const { client } = await watch("NOPE-USDT");
    const refused = await statusWhere(
      client,
      (s) => s.status.startsWith("refused"),
      5000,
      "a refusal",
    );
    expect(refused.at - started).toBeLessThan(5000);
    expect(refused.status).toContain("Invalid symbol");
    expect(refused.stale).toBe(true);
    const snap = await snapshotOf("NOPE-USDT");
    expect(snap.status).toBe(refused.status);
    expect(snap.quote).toBeNull();
    expect(client.all("status").some((s) => s.status === "live")).toBe(false);
  });

  it.each([
    ["coinbase", "LTC-USD"],
    ["kraken", "DOGE-USD"],
    ["binance", "ETH-USDT"],
  ] as const)(
    "%s: `live` only once the exchange confirms the subscription (%s)",
    async (name, symbol) => {
      const fake = { coinbase, kraken, binance }[name];
      fake.confirmAfter(1500);
      const asked = fake.received.length;
      const { client } = await watch(symbol);
      await fake.waitFor(() => fake.received.length > asked, 5000, "a subscribe request");
      const askedAt = Date.now();
      // Opened and asked, not yet confirmed.
      expect((await snapshotOf(symbol)).status).toBe("connecting");
      const live = await statusWhere(client, isLive, 10_000, "live");
      expect(live.at - askedAt).toBeGreaterThanOrEqual(1200);
    },
  );

  it("kraken: maintenance is shown, and the room is live again once the engine is back", async () => {
    const { client } = await watch("ADA-USD");
    await statusWhere(client, isLive, 5000, "live");
    const before = kraken.connections;
    kraken.systemStatus("maintenance");
    const down = await statusWhere(
      client,
      (s) => s.status.startsWith("maintenance"),
      5000,
      "maintenance",
    );
    expect(down.status).toContain("maintenance");
    expect(down.stale).toBe(true);
    expect((await snapshotOf("ADA-USD")).status).toMatch(/^maintenance/);
    kraken.systemStatus("online");
    await statusWhere(client, isLive, 15_000, "live after maintenance");
    expect(kraken.connections).toBeGreaterThan(before);
    kraken.trade("ADA/USD", 0.61, 100);
    const ticks = (await client.nextOf("ticks", 5000)) as unknown as Ticks;
    expect(ticks.ticks.at(-1)?.[1]).toBe(0.61);
  });

  it("binance: serverShutdown is shown, and the room dials again and is live", async () => {
    const { client } = await watch("XRP-USDT");
    await statusWhere(client, isLive, 5000, "live");
    const before = binance.connections;
    binance.serverShutdown();
    const closing = await statusWhere(
      client,
      (s) => s.status.startsWith("reconnecting to binance"),
      5000,
      "reconnecting",
    );
    expect(closing.status).toContain("shutting down");
    await statusWhere(client, isLive, 15_000, "live after the shutdown");
    expect(binance.connections).toBeGreaterThan(before);
    binance.trade("XRPUSDT", 0.52, 10);
    const ticks = (await client.nextOf("ticks", 5000)) as unknown as Ticks;
    expect(ticks.ticks.at(-1)?.[1]).toBe(0.52);
  });
});
