/**
 * The ticker core through a stand-in host: what only a room can decide (which source, what is
 * written, what a failed write leaves), without a runtime. The wire protocol over real sockets
 * is the integration suite's; the hibernation wake-up is `tests/unit/ticker-wake.test.ts`.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeRoom, type FakeStorage } from "../../../tests/helpers/fake-room.ts";
import { isChunkKey } from "../../market/history.ts";
import type {
  Candle,
  IngestReply,
  Snapshot,
  Tick,
  TickerServerMessage,
} from "../../protocol/index.ts";
import { type TickerConnState, TickerCore } from "./core.ts";
import type { Meta } from "./storage-plan.ts";

const START = Date.UTC(2026, 9, 14, 15, 7, 23, 417);
const TOKEN = "test-token";
const SYMBOL = "PUSHED";

const url = (symbol: string, query = "") => `http://localhost/parties/ticker/${symbol}${query}`;

function setup(
  options: { symbol?: string; env?: Record<string, unknown>; storage?: FakeStorage } = {},
) {
  const symbol = options.symbol ?? SYMBOL;
  const room = new FakeRoom<TickerConnState>(symbol, {
    env: { INGEST_TOKEN: TOKEN, ...options.env },
    ...(options.storage ? { storage: options.storage } : {}),
  });
  const core = new TickerCore(room);
  const push = (ticks: Tick[], token = TOKEN) =>
    core.request(
      new Request(url(symbol), {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ ticks }),
      }),
    );
  const snapshot = async () =>
    (await (await core.request(new Request(url(symbol)))).json()) as Snapshot;
  return { room, core, storage: room.storage, push, snapshot };
}

/** Ticks `step` ms apart from `from`. */
const ticksFrom = (from: number, n: number, step = 1000): Tick[] =>
  Array.from({ length: n }, (_, i) => [from + i * step, 10 + i / 10, 1 + i]);

function storedCandles(storage: FakeStorage): Candle[] {
  return storage
    .keys()
    .filter(isChunkKey)
    .flatMap((key) => storage.peek<Candle[]>(key) ?? []);
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(START);
});

afterEach(() => {
  vi.useRealTimers();
});

describe("a push", () => {
  it("starts a room whose first request it is as a push room, writing no simulated day", async () => {
    const { core, storage, push, snapshot } = setup();
    await core.start();
    const ticks = ticksFrom(START - 5000, 3);
    const reply = await push(ticks);
    expect(reply.status).toBe(200);
    expect(await reply.json()).toEqual({ accepted: 3, seq: 3 } satisfies IngestReply);
    // One batch: the meta, the tail and the one hour the ticks fell in; nothing deleted.
    expect(storage.counts).toMatchObject({ puts: 1, keysWritten: 3, deletes: 0 });
    expect(storedCandles(storage)).toHaveLength(1);
    expect(storage.peek<Meta>("meta")).toMatchObject({
      source: "push",
      seq: 3,
      lastPushed: ticks[2]?.[0],
    });
    const snap = await snapshot();
    expect(snap).toMatchObject({ source: "push", seq: 3, ticks });
  });

  it("drops a simulated room's day on its first push, and the counter carries on", async () => {
    const { core, storage, push, snapshot } = setup();
    await core.start();
    const simulated = await snapshot();
    expect(simulated.source).toBe("sim");
    expect(storedCandles(storage).length).toBeGreaterThan(1000);
    const ticks = ticksFrom(START - 5000, 3);
    const reply = (await (await push(ticks)).json()) as IngestReply;
    expect(reply.seq).toBe(simulated.seq + 3);
    expect(storedCandles(storage)).toEqual([
      [Math.floor((START - 5000) / 60_000) * 60_000, 10, 10.2, 10, 10.2, 6],
    ]);
    expect(await snapshot()).toMatchObject({ source: "push", seq: reply.seq, ticks });
  });

  it("is refused, and writes nothing, in a room an exchange feeds", async () => {
    const { core, storage, push } = setup({
      symbol: "BTC-USD",
      env: { FEEDS: "BTC-USD=coinbase" },
    });
    await core.start();
    const reply = await push(ticksFrom(START - 5000, 3));
    expect(reply.status).toBe(409);
    expect(((await reply.json()) as { error: { message: string } }).error.message).toMatch(
      /coinbase/,
    );
    expect(storage.keys()).toEqual([]);
  });

  it("that cannot be stored leaves a push room as it was", async () => {
    const { core, storage, push, snapshot } = setup();
    await core.start();
    const first = ticksFrom(START - 10_000, 3);
    await push(first);
    const before = await snapshot();
    const stored = storage.keys().map((k) => [k, storage.peek(k)]);

    storage.failNextBatch();
    vi.spyOn(console, "error").mockImplementation(() => {});
    const failed = await push(ticksFrom(START - 5000, 2));
    expect(failed.status).toBe(500);
    expect(await snapshot()).toEqual({ ...before, serverTime: Date.now() });
    expect(storage.keys().map((k) => [k, storage.peek(k)])).toEqual(stored);

    // The ticks that were not acknowledged do not count: a push may start before them.
    const again = ticksFrom(START - 7000, 2);
    const reply = (await (await push(again)).json()) as IngestReply;
    expect(reply.seq).toBe(before.seq + 2);
    expect((await snapshot()).ticks).toEqual([...first, ...again]);
  });

  it("that cannot be stored leaves a simulated room simulated, and a new room unmade", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const sim = setup({ symbol: "SIMMED" });
    await sim.core.start();
    const before = await sim.snapshot();
    const keys = sim.storage.keys();
    sim.storage.failNextBatch();
    expect((await sim.push(ticksFrom(START - 5000, 2))).status).toBe(500);
    expect(sim.storage.keys()).toEqual(keys);
    expect(await sim.snapshot()).toMatchObject({ source: "sim", seq: before.seq });

    const fresh = setup({ symbol: "FRESH" });
    await fresh.core.start();
    fresh.storage.failNextBatch();
    expect((await fresh.push(ticksFrom(START - 5000, 2))).status).toBe(500);
    expect(fresh.storage.keys()).toEqual([]);
    expect((await fresh.push(ticksFrom(START - 5000, 2))).status).toBe(200);
    expect(await fresh.snapshot()).toMatchObject({ source: "push", seq: 2 });
  });

  it("is answered in order, each checked against the one before", async () => {
    const { core, push } = setup();
    await core.start();
    const replies = await Promise.all([
      push(ticksFrom(START - 9000, 2)),
      push(ticksFrom(START - 20_000, 2)),
      push(ticksFrom(START - 5000, 2)),
    ]);
    expect(replies.map((r) => r.status)).toEqual([200, 400, 200]);
  });
});

describe("a socket", () => {
  it("gets a pong for a ping and a fresh snapshot for a resync", async () => {
    const { room, core } = setup({ symbol: "SOCK" });
    await core.start();
    const conn = await room.connect(core, "/parties/ticker/SOCK?mode=quote");
    expect(conn.tags).toContain("quote");
    core.message(conn, JSON.stringify({ type: "ping", ref: "r1" }));
    core.message(conn, JSON.stringify({ type: "resync" }));
    core.message(conn, JSON.stringify({ type: "subscribe" }));
    const frames = conn.frames<TickerServerMessage>();
    expect(frames.map((f) => f.type)).toEqual(["snapshot", "pong", "snapshot", "error"]);
    expect(frames[1]).toEqual({ type: "pong", ref: "r1", serverTime: START });
    expect(frames[2]).toHaveProperty("spark");
    await room.disconnect(core, conn);
    expect(vi.getTimerCount()).toBe(0);
    expect(room.storage.alarmTime).toBeNull();
  });

  it("to a push room sets no alarm and starts no timer", async () => {
    const { room, core, push } = setup();
    await core.start();
    await push(ticksFrom(START - 5000, 2));
    const conn = await room.connect(core, `/parties/ticker/${SYMBOL}`);
    expect(conn.frames<Snapshot>()[0]).toMatchObject({ type: "snapshot", source: "push", seq: 2 });
    expect(room.storage.alarmTime).toBeNull();
    expect(vi.getTimerCount()).toBe(0);
    await push(ticksFrom(START, 1));
    expect(conn.frames<TickerServerMessage>().map((f) => f.type)).toEqual(["snapshot", "ticks"]);
  });
});

describe("the room's counters", () => {
  it("answers ?stats with what the room has cost and who watches", async () => {
    const { room, core } = setup({ symbol: "COST" });
    await core.start();
    const conn = await room.connect(core, "/parties/ticker/COST");
    await room.advance(core, 3000);
    const stats = (await (await core.request(new Request(url("COST", "?stats")))).json()) as Record<
      string,
      unknown
    >;
    expect(stats).toMatchObject({ subscribers: 1, source: "sim", since: START });
    expect(stats.alarms).toBe(room.storage.counts.alarmsFired);
    expect(stats.alarmsSet).toBe(room.storage.counts.setAlarms);
    expect(stats.storageWrites).toBe(room.storage.counts.puts + room.storage.counts.deletes);
    expect(stats.ticks).toBeGreaterThan(0);
    expect(stats.sends).toBe(stats.frames);
    await room.disconnect(core, conn);
  });
});
