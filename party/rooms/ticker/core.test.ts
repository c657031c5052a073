/**
 * The ticker core through a stand-in host: what only a room can decide (which source, what is
 * written, what a failed write leaves), without a runtime. The wire protocol over real sockets
 * is the integration suite's; the hibernation wake-up is `tests/unit/ticker-wake.test.ts`.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeRoom, FakeStorage, upgradeRequest } from "../../../tests/helpers/fake-room.ts";
import { isChunkKey } from "../../market/history.ts";
import {
  type Candle,
  type IngestReply,
  LIMITS,
  type Snapshot,
  type Tick,
  type TickerServerMessage,
} from "../../protocol/index.ts";
import { CLIENT_HEADER, CREATE_HEADER, NEEDS_CREATE_STATUS } from "../edge-headers.ts";
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
    const { room, core, storage, push, snapshot } = setup();
    await core.start();
    await room.disconnect(core, await room.connect(core, `/parties/ticker/${SYMBOL}`));
    const simulated = await snapshot();
    expect(simulated.source).toBe("sim");
    // A simulated room stores where it started, not its day: that follows from the time.
    expect(storage.keys()).toEqual(["meta"]);
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

describe("what a watched room costs", () => {
  it("writes nothing and sets no alarm in a simulated room, and resumes it exactly", async () => {
    const { room, core, storage } = setup({ symbol: "QUIET" });
    await core.start();
    const conn = await room.connect(core, "/parties/ticker/QUIET");
    const created = storage.snapshotCounts();
    // Created: where it started is stored, once, in one row.
    expect(created).toMatchObject({ puts: 1, keysWritten: 1, setAlarms: 0 });
    await room.advance(core, 5 * 60_000);
    expect(storage.snapshotCounts()).toEqual(created);
    expect(storage.alarmTime).toBeNull();
    const live = (await (await core.request(new Request(url("QUIET")))).json()) as Snapshot;
    expect(live.seq).toBeGreaterThan(300);

    // Another instance over the same storage (a restart) serves the same room at the same time.
    const again = new TickerCore(new FakeRoom<TickerConnState>("QUIET", { storage }));
    await again.start();
    const resumed = (await (await again.request(new Request(url("QUIET")))).json()) as Snapshot;
    expect(resumed.seq).toBe(live.seq);
    expect(resumed.candles).toEqual(live.candles);
    expect(resumed.ticks).toEqual(live.ticks);
    expect(storage.snapshotCounts()).toEqual(created);

    await room.disconnect(core, conn);
    expect(storage.snapshotCounts()).toEqual(created);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("the room's counters", () => {
  it("answers ?stats with what the room has cost and who watches", async () => {
    const { room, core } = setup({ symbol: "COST" });
    await core.start();
    const conn = await room.connect(core, "/parties/ticker/COST");
    await room.advance(core, 3000);
    const asked = new Request(url("COST", "?stats"), {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const stats = (await (await core.request(asked)).json()) as Record<string, unknown>;
    expect(stats).toMatchObject({ subscribers: 1, source: "sim", since: START });
    expect(stats.alarms).toBe(room.storage.counts.alarmsFired);
    expect(stats.alarmsSet).toBe(room.storage.counts.setAlarms);
    expect(stats.storageWrites).toBe(room.storage.counts.puts + room.storage.counts.deletes);
    expect(stats.ticks).toBeGreaterThan(0);
    expect(stats.sends).toBe(stats.frames);
    await room.disconnect(core, conn);
  });
});

/** A request whose body sends `first` and then never ends, as a client holding it open would. */
function heldRequest(symbol: string, first: string, headers: Record<string, string> = {}) {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(first));
    },
  });
  return new Request(url(symbol), {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
    duplex: "half",
  } as RequestInit);
}

const nothingWritten = {
  puts: 0,
  keysWritten: 0,
  deletes: 0,
  setAlarms: 0,
  deleteAlarms: 0,
};

describe("reads", () => {
  it("of a simulated room nobody used write nothing, and a connect then creates it", async () => {
    const { room, core, storage, snapshot } = setup({ symbol: "READONLY" });
    await core.start();
    const read = await snapshot();
    expect(read).toMatchObject({ source: "sim", symbol: "READONLY" });
    expect(read.candles.length).toBeGreaterThan(600);
    const head = await core.request(new Request(url("READONLY"), { method: "HEAD" }));
    expect(head.status).toBe(200);
    const options = await core.request(new Request(url("READONLY"), { method: "OPTIONS" }));
    expect(options.status).toBe(204);
    const stats = await core.request(
      new Request(url("READONLY", "?stats"), { headers: { authorization: `Bearer ${TOKEN}` } }),
    );
    expect(await stats.json()).toMatchObject({ storageWrites: 0, subscribers: 0 });
    expect(storage.counts).toMatchObject(nothingWritten);
    expect(storage.keys()).toEqual([]);

    vi.advanceTimersByTime(2000);
    const conn = await room.connect(core, "/parties/ticker/READONLY?mode=quote");
    // The ticks made since the read are in its snapshot, not in a frame before it.
    const frames = conn.frames<TickerServerMessage>();
    expect(frames.map((f) => f.type)).toEqual(["snapshot"]);
    const first = frames[0] as Snapshot;
    expect(first.seq).toBeGreaterThan(read.seq);
    expect(first.ticks.at(-1)?.[0]).toBeGreaterThan(read.ticks.at(-1)?.[0] ?? 0);
    // Stored as where it started, once: its day and counter follow from that.
    expect(storage.keys()).toEqual(["meta"]);
    expect(storage.counts).toMatchObject({ puts: 1, keysWritten: 1, deletes: 0 });
    await room.disconnect(core, conn);
  });

  it("of a room an exchange feeds answer its empty snapshot and write nothing", async () => {
    const { storage, snapshot } = setup({
      symbol: "BTC-USD",
      env: { FEEDS: "BTC-USD=coinbase" },
    });
    expect(await snapshot()).toMatchObject({ source: "coinbase", quote: null, candles: [] });
    expect(storage.counts).toMatchObject(nothingWritten);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("of the counters need the ingest token", async () => {
    const { core } = setup({ symbol: "STATS" });
    const ask = (headers: Record<string, string>) =>
      core.request(new Request(url("STATS", "?stats"), { headers }));
    expect((await ask({})).status).toBe(401);
    expect((await ask({ authorization: "Bearer wrong" })).status).toBe(401);
    expect((await ask({ authorization: `bearer ${TOKEN}` })).status).toBe(200);
    const off = setup({ symbol: "STATS", env: { INGEST_TOKEN: "" } });
    const refused = await off.core.request(
      new Request(url("STATS", "?stats"), { headers: { authorization: `Bearer ${TOKEN}` } }),
    );
    expect(refused.status).toBe(403);
  });
});

describe("admitting an upgrade", () => {
  const upgrade = (headers: Record<string, string> = {}) =>
    upgradeRequest("/parties/ticker/ADMIT", headers);

  it("asks the edge to budget a room that does not exist yet, unless budgets are off", async () => {
    const { room, core, storage, snapshot } = setup({ symbol: "ADMIT" });
    await snapshot();
    const refused = await core.admit(upgrade());
    expect(refused?.status).toBe(NEEDS_CREATE_STATUS);
    expect(await core.admit(upgrade({ [CREATE_HEADER]: "1" }))).toBeNull();
    expect(storage.counts).toMatchObject(nothingWritten);

    await room.connect(core, "/parties/ticker/ADMIT", { [CREATE_HEADER]: "1" });
    // It exists now: joining it is free.
    expect(await core.admit(upgrade())).toBeNull();

    const off = setup({ symbol: "ADMIT", env: { BUDGETS: "off" } });
    expect(await off.core.admit(upgrade())).toBeNull();
  });

  it("refuses a client holding 20 sockets here with 429 and Retry-After, not the others", async () => {
    const { room, core } = setup({ symbol: "ADMIT" });
    const alice = { [CLIENT_HEADER]: "alice", [CREATE_HEADER]: "1" };
    const sockets = [];
    for (let i = 0; i < LIMITS.socketsPerClient; i++) {
      expect(await core.admit(upgrade(alice))).toBeNull();
      sockets.push(await room.connect(core, "/parties/ticker/ADMIT", alice));
    }
    const refused = await core.admit(upgrade(alice));
    expect(refused?.status).toBe(429);
    expect(Number(refused?.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused?.json()).toMatchObject({ error: { code: "rate_limited" } });
    expect(await core.admit(upgrade({ [CLIENT_HEADER]: "bob" }))).toBeNull();

    // A socket that got past the check anyway (a runtime that cannot refuse with a status, or
    // a race) is closed as it connects.
    const extra = await room.connect(core, "/parties/ticker/ADMIT", alice);
    expect(extra.closedWith).toEqual({ code: 1008, reason: "too many sockets from one client" });
    expect(extra.frames()).toEqual([]);
    expect(sockets.every((s) => s.open)).toBe(true);

    await room.disconnect(core, sockets[0] as (typeof sockets)[number]);
    expect(await core.admit(upgrade(alice))).toBeNull();
    for (const s of sockets.slice(1)) await room.disconnect(core, s);
  });

  it("caps no sockets with budgets off", async () => {
    const { room, core } = setup({ symbol: "ADMIT", env: { BUDGETS: "off" } });
    for (let i = 0; i <= LIMITS.socketsPerClient; i++) {
      await room.connect(core, "/parties/ticker/ADMIT");
    }
    expect(await core.admit(upgrade())).toBeNull();
    expect([...room.connections()]).toHaveLength(LIMITS.socketsPerClient + 1);
  });
});

describe("a push, read and applied", () => {
  it("is refused for a tick over a minute ahead, and later pushes still work", async () => {
    const { storage, push, snapshot } = setup();
    const micro = await push([[START * 1000, 10, 1]]);
    expect(micro.status).toBe(400);
    expect(((await micro.json()) as { error: { message: string } }).error.message).toMatch(
      /^tick 0: .*ahead/,
    );
    expect(storage.keys()).toEqual([]);
    expect((await push([[START + 60_000, 10, 1]])).status).toBe(200);
    expect((await push([[START + 60_001, 10, 1]])).status).toBe(400);
    expect((await push([[START + 60_000, 11, 2]])).status).toBe(200);
    expect(await snapshot()).toMatchObject({ source: "push", seq: 2 });
  });

  it("takes the scheme of the token in any case", async () => {
    const { core } = setup();
    const reply = await core.request(
      new Request(url(SYMBOL), {
        method: "POST",
        headers: { authorization: `bEaReR ${TOKEN}` },
        body: JSON.stringify({ ticks: ticksFrom(START - 1000, 1) }),
      }),
    );
    expect(reply.status).toBe(200);
  });

  it("does not wait for the body of an unauthorised push", async () => {
    const { core, push } = setup();
    let answer: Response | null = null;
    void core.request(heldRequest(SYMBOL, '{"ticks":')).then((r) => {
      answer = r;
    });
    // The answer waits at most a second for the rest of the body, so the connection can stay.
    await vi.advanceTimersByTimeAsync(1000);
    expect((answer as Response | null)?.status).toBe(401);
    expect((await push(ticksFrom(START - 1000, 1))).status).toBe(200);
  });

  it("whose body stalls holds no other push, and gets 408 after 10 s", async () => {
    const { core, push, snapshot } = setup();
    let answer: Response | null = null;
    void core
      .request(heldRequest(SYMBOL, '{"ticks":[', { authorization: `Bearer ${TOKEN}` }))
      .then((r) => {
        answer = r;
      });
    await vi.advanceTimersByTimeAsync(100);
    expect((await push(ticksFrom(START - 1000, 2))).status).toBe(200);
    expect(answer).toBeNull();
    await vi.advanceTimersByTimeAsync(10_000);
    const late = answer as Response | null;
    expect(late?.status).toBe(408);
    expect(await late?.json()).toMatchObject({ error: { code: "timeout" } });
    expect(await snapshot()).toMatchObject({ source: "push", seq: 2 });
  });
});

describe("DELETE", () => {
  const reset = (core: TickerCore, symbol: string, token: string | null = TOKEN) =>
    core.request(
      new Request(url(symbol), {
        method: "DELETE",
        headers: token === null ? {} : { authorization: `Bearer ${token}` },
      }),
    );

  it("needs the token, and changes nothing without it", async () => {
    const { core, storage, push } = setup();
    await push(ticksFrom(START - 5000, 2));
    const keys = storage.keys().map((k) => [k, storage.peek(k)]);
    expect((await reset(core, SYMBOL, null)).status).toBe(401);
    expect((await reset(core, SYMBOL, "wrong")).status).toBe(401);
    const off = setup({ env: { INGEST_TOKEN: "" }, storage });
    expect((await reset(off.core, SYMBOL)).status).toBe(403);
    expect(storage.keys().map((k) => [k, storage.peek(k)])).toEqual(keys);
  });

  it("starts a pushed room over on the simulator, with a fresh snapshot for its watchers", async () => {
    const { room, core, storage, push, snapshot } = setup();
    // Far in the future as the room's last pushed tick could be: nothing after it is taken.
    const pushed = await push([[START + 60_000, 10, 1]]);
    const { seq } = (await pushed.json()) as IngestReply;
    const watcher = await room.connect(core, `/parties/ticker/${SYMBOL}`);
    expect(watcher.frames<Snapshot>()[0]).toMatchObject({ source: "push" });
    expect((await push(ticksFrom(START, 1))).status).toBe(400);

    const res = await reset(core, SYMBOL);
    expect(res.status).toBe(204);
    const fresh = watcher.frames<Snapshot>(1)[0];
    expect(fresh).toMatchObject({ type: "snapshot", source: "sim" });
    expect(fresh?.seq).toBeGreaterThan(seq);
    expect(fresh?.ticks.every((t) => t[1] !== 10)).toBe(true);
    expect(storage.peek<Meta>("meta")).toMatchObject({ source: "sim", lastPushed: null });
    // The pushed history goes; the simulated day is not stored, and no alarm runs it.
    expect(storage.keys()).toEqual(["meta"]);
    expect(storage.alarmTime).toBeNull();
    await room.advance(core, 2000);
    expect(watcher.frames(2).some((f) => (f as { type: string }).type === "ticks")).toBe(true);

    // And the room takes pushes again, from any time.
    expect((await push(ticksFrom(START - 30_000, 1))).status).toBe(200);
    expect(await snapshot()).toMatchObject({ source: "push" });
    await room.disconnect(core, watcher);
  });

  it("starts a pushed room over on the exchange FEEDS now gives it", async () => {
    const storage = new FakeStorage();
    const before = setup({ symbol: "ETH-USD", storage });
    await before.push(ticksFrom(START - 5000, 2));
    const after = setup({ symbol: "ETH-USD", storage, env: { FEEDS: "ETH-USD=coinbase" } });
    await after.core.start();
    expect(await after.snapshot()).toMatchObject({ source: "push", seq: 2 });
    expect((await reset(after.core, "ETH-USD")).status).toBe(204);
    expect(await after.snapshot()).toMatchObject({ source: "coinbase", quote: null, seq: 2 });
    expect(storedCandles(storage)).toEqual([]);
  });

  it("leaves a simulated room, and a room never used, as they are", async () => {
    const { core, storage, snapshot } = setup({ symbol: "SIMRESET" });
    const before = await snapshot();
    expect((await reset(core, "SIMRESET")).status).toBe(204);
    expect(storage.counts).toMatchObject(nothingWritten);
    expect(await snapshot()).toMatchObject({ source: "sim", seq: before.seq });
  });
});

describe("a crowd reconnecting", () => {
  it("joins each socket without listing every socket already in the room", async () => {
    const { room, core } = setup({ symbol: "CROWD-USD", env: { BUDGETS: "off" } });
    await core.start();
    for (let i = 0; i < 3; i++) await room.connect(core, "/parties/ticker/CROWD-USD");
    const listed = vi.spyOn(room, "connections");
    const conn = await room.connect(core, "/parties/ticker/CROWD-USD");
    expect(conn.frames<Snapshot>()[0]).toMatchObject({ type: "snapshot", source: "sim" });
    // The runtime answers a listing with every socket: 10,000 joins would make 10,000 lists.
    expect(listed.mock.calls.filter(([tag]) => tag === undefined)).toEqual([]);
  });
});
