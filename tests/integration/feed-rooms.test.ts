/**
 * Exchange feeds inside ticker rooms, end to end: a real `partykit dev` whose rooms connect to
 * local fake exchanges (the URLs overridden as a user would), watched by plain WebSocket
 * clients. Nothing here reaches the internet.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeExchange, startFakeExchange } from "../fakes/fake-exchange.ts";
import { type FakeExchangeRest, startFakeExchangeRest } from "../fakes/fake-exchange-rest.ts";
import { RUNTIME, startServer, type TestServer } from "../helpers/server.ts";
import { type Typed, WsClient } from "../helpers/ws-client.ts";

type Snapshot = Typed<"snapshot"> & {
  source: string;
  seq: number;
  quote: { price: number; stale?: boolean } | null;
  candles: unknown[];
  ticks: [number, number, number][];
  status?: string;
};
type Ticks = Typed<"ticks"> & {
  seq: number;
  ticks: [number, number, number][];
  quote: { price: number; stale?: boolean };
};
type Status = Typed<"status"> & { status: string; stale: boolean };

let server: TestServer;
let coinbase: FakeExchange;
let kraken: FakeExchange;
let binance: FakeExchange;
/** The exchanges' history, empty here (feed-history.test.ts has the day): rooms start bare. */
let rest: FakeExchangeRest;
const clients: WsClient[] = [];

beforeAll(async () => {
  [coinbase, kraken, binance] = await Promise.all([
    startFakeExchange({ dialect: "coinbase", heartbeatMs: 500, products: ["BTC-USD", "ETH-USD"] }),
    startFakeExchange({ dialect: "kraken", heartbeatMs: 500 }),
    startFakeExchange({ dialect: "binance" }),
  ]);
  rest = await startFakeExchangeRest({
    // Every symbol a test here watches: the fake refuses the others, and so would the room.
    symbols: ["BTC-USD", "ETH-USD", "SOL-USD", "ADA-USD", "XRP-USDT", "LTC-USDT"],
    historyMs: 0,
  });
  server = await startServer({
    env: {
      FEEDS:
        "BTC-USD=coinbase,ETH-USD=coinbase,NOPE-USD=coinbase,SOL-USD=kraken,*-USDT=binance,ADA-USD=binance",
      COINBASE_WS_URL: coinbase.url,
      KRAKEN_WS_URL: kraken.url,
      BINANCE_WS_URL: binance.url,
      COINBASE_REST_URL: rest.url,
      KRAKEN_REST_URL: rest.url,
      BINANCE_REST_URL: rest.url,
      INGEST_TOKEN: "t",
    },
  });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await server?.dispose();
  await Promise.all([coinbase?.close(), kraken?.close(), binance?.close(), rest?.close()]);
});

async function watch(symbol: string, mode = "") {
  const client = await WsClient.connect(server.wsUrl(`/parties/ticker/${symbol}${mode}`));
  clients.push(client);
  const snapshot = (await client.nextOf("snapshot", 5000)) as unknown as Snapshot;
  return { client, snapshot };
}

const snapshotOf = async (symbol: string) =>
  (await (await fetch(`${server.url}/parties/ticker/${symbol}`)).json()) as Snapshot;

describe("a room fed by Coinbase", () => {
  it("opens the upstream for its first subscriber and streams trades as ticks", async () => {
    expect(coinbase.subscribers("BTC-USD")).toBe(0);
    const { client, snapshot } = await watch("BTC-USD");
    expect(snapshot.source).toBe("coinbase");
    // A real feed before its first trade has nothing to show yet.
    expect(snapshot.quote).toBeNull();
    expect(snapshot.candles).toEqual([]);
    await coinbase.waitFor(() => coinbase.subscribers("BTC-USD") === 1, 5000, "a subscription");

    const t0 = Date.now();
    coinbase.trade("BTC-USD", 64000.5, 0.25, t0);
    coinbase.trade("BTC-USD", 64001, 0.1, t0 + 5);
    const got: [number, number, number][] = [];
    let seq = snapshot.seq;
    while (got.length < 2) {
      const frame = (await client.nextOf("ticks", 5000)) as unknown as Ticks;
      expect(frame.seq).toBe(seq + frame.ticks.length);
      seq = frame.seq;
      got.push(...frame.ticks);
    }
    expect(got).toEqual([
      [t0, 64000.5, 0.25],
      [t0 + 5, 64001, 0.1],
    ]);
    const after = await snapshotOf("BTC-USD");
    expect(after.source).toBe("coinbase");
    expect(after.quote?.price).toBe(64001);
    expect(after.ticks.slice(-2)).toEqual(got);
  });

  it("closes the upstream when the last subscriber leaves, and opens it again for the next", async () => {
    const a = await watch("ETH-USD");
    const b = await watch("ETH-USD", "?mode=quote");
    await coinbase.waitFor(
      () => coinbase.subscribers("ETH-USD") === 1,
      5000,
      "one subscription for two viewers",
    );
    await a.client.close();
    await new Promise((r) => setTimeout(r, 300));
    expect(coinbase.subscribers("ETH-USD")).toBe(1);
    await b.client.close();
    await coinbase.waitFor(
      () => coinbase.subscribers("ETH-USD") === 0,
      5000,
      "the upstream to close",
    );

    const c = await watch("ETH-USD");
    await coinbase.waitFor(() => coinbase.subscribers("ETH-USD") === 1, 5000, "a new subscription");
    coinbase.trade("ETH-USD", 3100, 1);
    const frame = (await c.client.nextOf("ticks", 5000)) as unknown as Ticks;
    expect(frame.ticks[0]?.[1]).toBe(3100);
  });

  it("reconnects after the upstream drops, without losing the room's history", async () => {
    const { client } = await watch("BTC-USD");
    await coinbase.waitFor(() => coinbase.subscribers("BTC-USD") === 1, 5000, "a subscription");
    const before = coinbase.connections;
    coinbase.drop();
    await coinbase.waitFor(
      () => coinbase.connections > before && coinbase.subscribers("BTC-USD") === 1,
      10_000,
      "a reconnect",
    );
    coinbase.trade("BTC-USD", 64100, 0.5);
    const frame = await client.next(
      (d) =>
        (d as Ticks | undefined)?.type === "ticks" &&
        (d as Ticks).ticks.some((t) => t[1] === 64100),
      5000,
      "a trade after the reconnect",
    );
    expect(frame).toBeDefined();
    const snap = await snapshotOf("BTC-USD");
    expect(snap.ticks.map((t) => t[1])).toEqual(expect.arrayContaining([64000.5, 64001, 64100]));
  });

  it("turns stale when the upstream goes silent, and fresh again when it speaks", async () => {
    const { client } = await watch("BTC-USD");
    await coinbase.waitFor(() => coinbase.subscribers("BTC-USD") === 1, 5000, "a subscription");
    coinbase.silence({ newSockets: false });
    const stale = (
      await client.next(
        (d) => (d as Status | undefined)?.type === "status" && (d as Status).stale,
        15_000,
        "a stale status",
      )
    ).data as Status;
    expect(stale.stale).toBe(true);
    const snap = await snapshotOf("BTC-USD");
    expect(snap.quote?.stale).toBe(true);
    expect(typeof snap.status).toBe("string");

    coinbase.speak();
    // Either the old socket wakes up or the room has dialled again; both end fresh.
    await client.next(
      (d) => (d as Status | undefined)?.type === "status" && !(d as Status).stale,
      30_000,
      "a fresh status",
    );
    coinbase.trade("BTC-USD", 64200, 0.2);
    const frame = (
      await client.next(
        (d) =>
          (d as Ticks | undefined)?.type === "ticks" &&
          (d as Ticks).ticks.some((t) => t[1] === 64200),
        5000,
        "a trade after the silence",
      )
    ).data as Ticks;
    expect(frame.quote.stale).toBeUndefined();
  });

  it("says so when the exchange refuses the product, and takes no pushes", async () => {
    const { snapshot, client } = await watch("NOPE-USD");
    expect(snapshot.source).toBe("coinbase");
    // The fake exchange does not list NOPE-USD, so it refuses the subscription (and its history).
    const refused = await client.next(
      (d) =>
        (d as Status | undefined)?.type === "status" && (d as Status).status.startsWith("refused"),
      5000,
      "a refusal",
    );
    expect((refused.data as Status).status).toMatch(/not a valid product|no product NOPE-USD/);
    expect((await snapshotOf("NOPE-USD")).status).toMatch(
      /not a valid product|no product NOPE-USD/,
    );
    const push = await fetch(`${server.url}/parties/ticker/NOPE-USD`, {
      method: "POST",
      headers: { authorization: "Bearer t" },
      body: JSON.stringify({ ticks: [[Date.now(), 1, 1]] }),
    });
    expect(push.status).toBe(409);
  });
});

describe("rooms fed by Kraken and Binance", () => {
  it("maps SOL-USD to Kraken's SOL/USD and streams its trades", async () => {
    const { client, snapshot } = await watch("SOL-USD");
    expect(snapshot.source).toBe("kraken");
    await kraken.waitFor(() => kraken.subscribers("SOL/USD") === 1, 5000, "a Kraken subscription");
    kraken.trade("SOL/USD", 150.25, 3);
    const frame = (
      await client.next(
        (d) =>
          (d as Ticks | undefined)?.type === "ticks" &&
          (d as Ticks).ticks.some((t) => t[1] === 150.25),
        5000,
        "a Kraken trade",
      )
    ).data as Ticks;
    expect(frame.ticks.at(-1)?.[2]).toBe(3);
  });

  it("maps ADA-USD to Binance's ADAUSDT stream", async () => {
    const { client, snapshot } = await watch("ADA-USD");
    expect(snapshot.source).toBe("binance");
    await binance.waitFor(() => binance.subscribers("ADAUSDT") === 1, 5000, "a Binance stream");
    binance.trade("ADAUSDT", 0.45, 1000);
    const frame = (await client.nextOf("ticks", 5000)) as unknown as Ticks;
    expect(frame.ticks[0]?.[1]).toBe(0.45);
  });

  it("leaves symbols no rule names on the simulator", async () => {
    const { snapshot } = await watch("AAPL");
    expect(snapshot.source).toBe("sim");
    expect(snapshot.candles.length).toBeGreaterThan(0);
  });
});

describe("frames and costs", () => {
  type Stats = {
    storageWrites: number;
    alarms: number;
    alarmsSet: number;
    frames: number;
    sends: number;
    ticks: number;
    subscribers: number;
  };
  // The counters need the ingest token.
  const statsOf = async (symbol: string) =>
    (await (
      await fetch(`${server.url}/parties/ticker/${symbol}?stats`, {
        headers: { authorization: "Bearer t" },
      })
    ).json()) as Stats;

  it("folds a burst of trades into shared frames, and sends a lone trade after a quiet spell at once", async () => {
    const { client, snapshot } = await watch("XRP-USDT");
    await binance.waitFor(() => binance.subscribers("XRPUSDT") === 1, 5000, "a Binance stream");
    const burst = Array.from({ length: 40 }, (_, i) => ({
      product: "XRPUSDT",
      price: 0.5 + i / 1000,
      size: 10,
    }));
    binance.tradeBatch(burst);
    const frames: Ticks[] = [];
    let seq = snapshot.seq;
    while (frames.reduce((n, f) => n + f.ticks.length, 0) < burst.length) {
      const frame = (await client.nextOf("ticks", 5000)) as unknown as Ticks;
      expect(frame.seq).toBe(seq + frame.ticks.length);
      seq = frame.seq;
      frames.push(frame);
    }
    expect(frames.length).toBeLessThan(burst.length);
    expect(Math.max(...frames.map((f) => f.ticks.length))).toBeGreaterThan(1);

    await new Promise((r) => setTimeout(r, 500));
    binance.trade("XRPUSDT", 0.6, 5);
    const lone = (await client.nextOf("ticks", 5000)) as unknown as Ticks;
    expect(lone.ticks).toHaveLength(1);
    expect(lone.ticks[0]?.[1]).toBe(0.6);
  });

  it("writes nothing and sets no alarm while watched when simulated, and nothing at all alone", async () => {
    const { client } = await watch("COST");
    const start = await statsOf("COST");
    await new Promise((r) => setTimeout(r, 3000));
    const watched = await statsOf("COST");
    expect(watched.ticks).toBeGreaterThan(start.ticks);
    // Its day follows from the time: simulated ticks every second, and not one write or alarm.
    expect(watched.storageWrites).toBe(start.storageWrites);
    expect(watched.alarms).toBe(start.alarms);
    expect(watched.alarmsSet).toBe(0);

    await client.close();
    await new Promise((r) => setTimeout(r, 1500));
    const idle = await statsOf("COST");
    await new Promise((r) => setTimeout(r, 3000));
    const later = await statsOf("COST");
    expect(later.subscribers).toBe(0);
    expect(later.storageWrites).toBe(idle.storageWrites);
    expect(later.alarms).toBe(idle.alarms);
    expect(later.ticks).toBe(idle.ticks);
  });

  // What the Worker is billed for; `partykit dev` runs the same core.
  it.skipIf(RUNTIME === "partykit")(
    "stores an exchange room's trades at most once every 10 seconds while watched",
    async () => {
      const { client } = await watch("LTC-USDT");
      await binance.waitFor(() => binance.subscribers("LTCUSDT") === 1, 5000, "a Binance stream");
      const start = await statsOf("LTC-USDT");
      // Five trades a second for 11 seconds: one batch of writes when the first 10 s are up.
      const trades = binance.stream("LTCUSDT", { perSecond: 5, price: 80 });
      await new Promise((r) => setTimeout(r, 11_000));
      trades.stop();
      const watched = await statsOf("LTC-USDT");
      expect(watched.ticks - start.ticks).toBeGreaterThan(40);
      // One save is a put of the changed hour, the meta and the tail (and a delete when an hour
      // leaves the window): at most two operations, once.
      expect(watched.storageWrites - start.storageWrites).toBeGreaterThan(0);
      expect(watched.storageWrites - start.storageWrites).toBeLessThanOrEqual(2);
      expect(watched.alarmsSet).toBe(0);
      await client.close();
    },
  );
});
