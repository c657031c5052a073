/**
 * What survives a crash (kill -9 of the whole server, then a restart on the same storage):
 * every acknowledged push, a simulated room's tick count, and the simulator's prices, which
 * also agree between two servers that share nothing.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startServers, type TestServer } from "../helpers/server.ts";
import {
  type Candle,
  expectSnapshot,
  expectTicksFrame,
  foldCandles,
  getSnapshot,
  push,
  type Snapshot,
  type Tick,
} from "../helpers/ticker-wire.ts";
import { WsClient } from "../helpers/ws-client.ts";

const TOKEN = "test-token";

let plain: TestServer;
let ingest: TestServer;
const clients: WsClient[] = [];

beforeAll(async () => {
  [plain, ingest] = await startServers({}, { env: { INGEST_TOKEN: TOKEN } });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await Promise.all([plain?.dispose(), ingest?.dispose()]);
});

async function connect(server: TestServer, symbol: string): Promise<WsClient> {
  const client = await WsClient.connect(server.wsUrl(`/parties/ticker/${symbol}`));
  clients.push(client);
  return client;
}

/** Watches a simulated room for a while, so that the room has stored its history at least
 * once (it writes in batches about once a second while watched). Returns the last seq seen. */
async function watch(server: TestServer, symbol: string, forMs: number): Promise<number> {
  const client = await connect(server, symbol);
  const snapshot = expectSnapshot(await client.nextOf("snapshot", 5000), { symbol, source: "sim" });
  const since = Date.now();
  let seq = snapshot.seq;
  while (Date.now() - since < forMs) {
    const frame = expectTicksFrame(await client.nextOf("ticks", 3000), symbol);
    expect(frame.seq).toBe(seq + frame.ticks.length);
    seq = frame.seq;
  }
  return seq;
}

/**
 * Whole one-minute candles (all but the newest, still open, and the oldest, which the 24-hour
 * window cuts at a time of its own on each server) and ticks held by both snapshots agree.
 */
function expectSameMarket(x: Snapshot, y: Snapshot): void {
  const completed = (s: Snapshot) =>
    new Map(s.candles.slice(1, -1).map((c): [number, Candle] => [c[0], c]));
  const cx = completed(x);
  const cy = completed(y);
  let candles = 0;
  for (const [start, candle] of cx) {
    const other = cy.get(start);
    if (!other) continue;
    candles++;
    expect(candle, `candle of ${new Date(start).toISOString()}`).toEqual(other);
  }
  // Both hold most of the same day (a simulated day has minutes without trades).
  expect(candles).toBeGreaterThan(0.9 * Math.min(cx.size, cy.size));
  expect(candles).toBeGreaterThan(600);

  const ty = new Map(y.ticks.map((t): [number, Tick] => [t[0], t]));
  let ticks = 0;
  for (const tick of x.ticks) {
    const other = ty.get(tick[0]);
    if (!other) continue;
    ticks++;
    expect(tick, `tick at ${tick[0]}`).toEqual(other);
  }
  expect(ticks).toBeGreaterThan(0);
}

describe("a crash", () => {
  it("loses no acknowledged push", async () => {
    const symbol = "DURABLE";
    const start = Date.now() - 60_000;
    const pushed: Tick[] = [];
    let ack = { accepted: 0, seq: 0 };
    for (let batch = 0; batch < 5; batch++) {
      const ticks = Array.from({ length: 40 }, (_, i): Tick => {
        const n = batch * 40 + i;
        return [start + n * 250, 200 + (n % 13) * 0.5, 1 + (n % 4)];
      });
      const reply = await push(ingest.url, symbol, { ticks }, TOKEN);
      expect(reply.status, reply.text).toBe(200);
      ack = reply.body as typeof ack;
      pushed.push(...ticks);
    }
    // Right after the last acknowledgement: nothing gets a chance to flush on the way out.
    await ingest.kill9();
    await ingest.restart();

    const after = expectSnapshot(await getSnapshot(ingest.url, symbol), { symbol, source: "push" });
    expect(after.seq).toBe(ack.seq);
    expect(after.ticks).toEqual(pushed);
    expect(after.candles).toEqual(foldCandles(pushed));

    // The room also still knows its last pushed tick, and counts on from there.
    const last = pushed[pushed.length - 1] as Tick;
    const late = await push(ingest.url, symbol, { ticks: [[last[0] - 1, 200, 1]] }, TOKEN);
    expect(late.status, late.text).toBe(400);
    const next = await push(ingest.url, symbol, { ticks: [[last[0], 201, 1]] }, TOKEN);
    expect(next.status, next.text).toBe(200);
    expect(next.body).toEqual({ accepted: 1, seq: ack.seq + 1 });
  });

  it("never takes a simulated room's seq backwards, and its stream resumes", async () => {
    const symbol = "SEQCRASH";
    const seen = await watch(plain, symbol, 1500);
    await plain.kill9();
    await plain.restart();

    const client = await connect(plain, symbol);
    const snapshot = expectSnapshot(await client.nextOf("snapshot", 5000), {
      symbol,
      source: "sim",
    });
    expect(snapshot.seq, "seq after the restart").toBeGreaterThanOrEqual(seen);
    // Pending timers die with the server; a returning subscriber must get ticks again.
    const frame = expectTicksFrame(await client.nextOf("ticks", 3000), symbol);
    expect(frame.seq).toBe(snapshot.seq + frame.ticks.length);
    expect((await getSnapshot(plain.url, symbol)).seq).toBeGreaterThanOrEqual(frame.seq);
  });
});

describe("the simulator", () => {
  it("gives two servers the same history, also after one of them crashed", async () => {
    const symbol = "DETER";
    const [x, y] = await Promise.all([
      getSnapshot(plain.url, symbol),
      getSnapshot(ingest.url, symbol),
    ]);
    expectSnapshot(x, { symbol, source: "sim" });
    expectSnapshot(y, { symbol, source: "sim" });
    expectSameMarket(x, y);

    // Crash one of them mid-stream, after it has stored part of the current minute.
    await watch(ingest, symbol, 1500);
    await ingest.kill9();
    await ingest.restart();
    const [x2, y2] = await Promise.all([
      getSnapshot(plain.url, symbol),
      getSnapshot(ingest.url, symbol),
    ]);
    expectSnapshot(y2, { symbol, source: "sim" });
    expectSameMarket(x2, y2);
  });
});
