/**
 * The hibernation wake-up of a ticker room, which `partykit dev` never exercises: the instance
 * is dropped with its timers and fields, and a new one starts over the same storage while the
 * sockets stay open. What the clients see must not change: no lost history, no gap in `seq`; and
 * a simulated room, whose day follows from the time, sets no alarm and writes nothing while
 * watched, and does nothing at all while nobody watches.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type AlertWhen, evaluate } from "../../party/market/alerts.ts";
import { Simulator } from "../../party/market/simulator.ts";
import type {
  Candle,
  QuoteMessage,
  Snapshot,
  Tick,
  TickerServerMessage,
  TicksMessage,
} from "../../party/protocol/index.ts";
import {
  type AlertFired,
  type AlertSet,
  INTERNAL_HEADER,
  type LinkedAlert,
} from "../../party/rooms/alert-link.ts";
import { ALERT_WALK_MS, type TickerConnState, TickerCore } from "../../party/rooms/ticker/core.ts";
import { type FakeConnection, FakeRoom, FakeStorage } from "../helpers/fake-room.ts";

const START = Date.UTC(2026, 9, 14, 15, 7, 23, 417);
const MIN = 60_000;
const DAY = 86_400_000;
/** A busy symbol (about 11 ticks a second), so that batching shows. */
const SYMBOL = "DOGE-USD";

/**
 * What a client holds, built only from the frames it received, the way the app does: a
 * snapshot replaces everything, a ticks frame must continue `seq` and folds into the candles.
 */
class ClientView {
  seq = -1;
  candles: Candle[] = [];
  ticks: Tick[] = [];
  snapshots: Snapshot[] = [];
  /** Ticks received in ticks frames, in order. */
  streamed: Tick[] = [];
  gaps: string[] = [];
  private read = 0;

  constructor(readonly conn: FakeConnection) {}

  /** Takes in the frames that arrived since the last call; returns them. */
  catchUp(): TickerServerMessage[] {
    const frames = this.conn.frames<TickerServerMessage>(this.read);
    this.read = this.conn.sent.length;
    for (const f of frames) {
      if (f.type === "snapshot") {
        this.snapshots.push(f);
        this.seq = f.seq;
        this.candles = structuredClone(f.candles);
        this.ticks = [...f.ticks];
      } else if (f.type === "ticks") {
        if (f.seq - f.ticks.length !== this.seq) {
          this.gaps.push(`had ${this.seq}, got ${f.ticks.length} ticks ending at ${f.seq}`);
        }
        this.seq = f.seq;
        for (const t of f.ticks) {
          this.ticks.push(t);
          this.streamed.push(t);
          foldInto(this.candles, t);
        }
      }
    }
    return frames;
  }

  get lastTick(): Tick {
    const t = this.ticks[this.ticks.length - 1];
    if (!t) throw new Error("the client has no tick yet");
    return t;
  }
}

/** The app's fold of one live tick into its candles. */
function foldInto(candles: Candle[], [time, price, size]: Tick): void {
  const start = time - (time % MIN);
  const last = candles[candles.length - 1];
  if (last && last[0] === start) {
    last[2] = Math.max(last[2], price);
    last[3] = Math.min(last[3], price);
    last[4] = price;
    last[5] += size;
  } else {
    candles.push([start, price, price, price, price, size]);
  }
}

/**
 * Every candle the client had is in the later snapshot, unchanged, except the newest, which may
 * have grown; only minutes that have since left the 24-hour window may be gone.
 */
function expectHistoryKept(had: Candle[], later: Snapshot): void {
  const byStart = new Map(later.candles.map((c) => [c[0], c]));
  const cutoff = later.serverTime - (later.serverTime % MIN) - DAY + MIN;
  const newest = had[had.length - 1] as Candle;
  for (const c of had) {
    if (c[0] < cutoff) continue;
    const now = byStart.get(c[0]);
    expect(now, `candle ${new Date(c[0]).toISOString()} is missing`).toBeDefined();
    if (!now) continue;
    if (c === newest) {
      expect(now[1]).toBe(c[1]);
      expect(now[2]).toBeGreaterThanOrEqual(c[2]);
      expect(now[3]).toBeLessThanOrEqual(c[3]);
      expect(now[5]).toBeGreaterThanOrEqual(c[5] - 1e-6);
    } else {
      expect(now.slice(0, 5)).toEqual(c.slice(0, 5));
      expect(now[5]).toBeCloseTo(c[5], 6);
    }
  }
}

const ofType = <T extends TickerServerMessage["type"]>(
  frames: TickerServerMessage[],
  type: T,
): Extract<TickerServerMessage, { type: T }>[] =>
  frames.filter((f): f is Extract<TickerServerMessage, { type: T }> => f.type === type);

/**
 * Eviction: an evicted object's timers die with it. vitest's `clearAllTimers` also winds the
 * fake clock back to where it started, so the time is put back: eviction does not travel in time.
 */
function evictTimers(): void {
  const now = Date.now();
  vi.clearAllTimers();
  vi.setSystemTime(now);
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(START);
});

afterEach(() => {
  vi.useRealTimers();
});

describe("a ticker room woken from hibernation", () => {
  it("carries on where it left off for the sockets that stayed open", async () => {
    const sim = new Simulator(SYMBOL);
    const storage = new FakeStorage();
    const room = new FakeRoom<TickerConnState>(SYMBOL, { storage });

    // Instance A: the room as first started.
    let a: TickerCore | null = new TickerCore(room);
    await a.start();
    const full = await room.connect(a, `/parties/ticker/${SYMBOL}`);
    const quote = await room.connect(a, `/parties/ticker/${SYMBOL}?mode=quote`);
    expect(full.tags).toContain("full");
    expect(quote.tags).toContain("quote");
    expect(quote.tags).not.toContain("full");

    const fullView = new ClientView(full);
    const quoteView = new ClientView(quote);
    await room.advance(a, 4_500);
    const fullFramesA = fullView.catchUp();
    const quoteFramesA = quoteView.catchUp();

    expect(fullFramesA[0]?.type).toBe("snapshot");
    expect(ofType(fullFramesA, "ticks").length).toBeGreaterThan(0);
    expect(fullView.gaps).toEqual([]);
    expect(quoteFramesA[0]?.type).toBe("snapshot");
    expect(ofType(quoteFramesA, "ticks")).toEqual([]);
    expect(ofType(quoteFramesA, "quote").length).toBeGreaterThan(0);
    // The live stream is the simulator's, tick for tick.
    const firstSnapshot = fullView.snapshots[0] as Snapshot;
    const snapLast = firstSnapshot.ticks[firstSnapshot.ticks.length - 1] as Tick;
    expect(fullView.streamed).toEqual(sim.ticksBetween(snapLast[0], fullView.lastTick[0]));

    const seenSeq = fullView.seq;
    const seenTick = fullView.lastTick;
    const seenCandles = structuredClone(fullView.candles);
    const quoteSeenSeq = quoteView.seq;
    // The simulator's timer runs the room: no alarm, and nothing written since it was created.
    expect(storage.alarmTime).toBeNull();
    expect(storage.counts).toMatchObject({ puts: 1, keysWritten: 1, setAlarms: 0 });

    // Eviction: the instance and its timers are gone; storage and sockets remain.
    evictTimers();
    a = null;
    const before = storage.snapshotCounts();

    // Instance B over the same storage and the same sockets.
    const b = new TickerCore(room);
    await b.start();
    const watchedMs = 6_000;
    await room.advance(b, watchedMs);
    const fullFramesB = fullView.catchUp();
    const quoteFramesB = quoteView.catchUp();

    // Each open socket first gets a fresh snapshot that is not behind what it had.
    const snapB = fullFramesB[0];
    expect(snapB?.type).toBe("snapshot");
    if (snapB?.type !== "snapshot") return;
    expect(snapB.seq).toBeGreaterThanOrEqual(seenSeq);
    const snapBLast = snapB.ticks[snapB.ticks.length - 1] as Tick;
    // seq counts ticks: the jump is exactly the ticks the client has not seen.
    expect(snapB.seq - seenSeq).toBe(sim.countBetween(seenTick[0], snapBLast[0]));
    expectHistoryKept(seenCandles, snapB);
    const quoteSnap = quoteFramesB[0];
    expect(quoteSnap?.type).toBe("snapshot");
    if (quoteSnap?.type === "snapshot") expect(quoteSnap.seq).toBeGreaterThanOrEqual(quoteSeenSeq);

    // Then the stream carries on, contiguous, and still the simulator's.
    expect(ofType(fullFramesB, "ticks").length).toBeGreaterThan(0);
    expect(fullView.gaps).toEqual([]);
    expect(ofType(fullFramesB.slice(1), "snapshot")).toEqual([]);
    const streamedB = ofType(fullFramesB, "ticks").flatMap((f) => f.ticks);
    expect(streamedB).toEqual(sim.ticksBetween(snapBLast[0], fullView.lastTick[0]));
    expect(Date.now() - fullView.lastTick[0]).toBeLessThan(1000);
    expect(ofType(quoteFramesB, "quote").length).toBeGreaterThan(0);

    // Woken and watched, it still writes nothing and sets no alarm, while some ten ticks a
    // second went out.
    expect(storage.snapshotCounts()).toEqual(before);
    expect(storage.alarmTime).toBeNull();
    expect(streamedB.length).toBeGreaterThan(30);

    // The last subscriber leaves: nothing runs, and nothing is written, while nobody watches.
    await room.disconnect(b, quote);
    await room.disconnect(b, full);
    expect(storage.snapshotCounts()).toEqual(before);
    expect(storage.alarmTime).toBeNull();
    const idle = storage.snapshotCounts();
    const timers = vi.getTimerCount();
    expect(timers).toBe(0);
    await room.advance(b, MIN);
    expect(storage.snapshotCounts()).toEqual(idle);
    expect(vi.getTimerCount()).toBe(0);
    expect(storage.alarmTime).toBeNull();
  });

  it("resyncs the sockets already open when a newcomer wakes it", async () => {
    const storage = new FakeStorage();
    const room = new FakeRoom<TickerConnState>(SYMBOL, { storage });
    const a = new TickerCore(room);
    await a.start();
    const old = await room.connect(a, `/parties/ticker/${SYMBOL}`);
    const oldView = new ClientView(old);
    await room.advance(a, 2_500);
    oldView.catchUp();
    const seenSeq = oldView.seq;
    const seenCandles = structuredClone(oldView.candles);

    evictTimers();
    vi.setSystemTime(Date.now() + 300);
    const b = new TickerCore(room);
    await b.start();
    const newcomer = await room.connect(b, `/parties/ticker/${SYMBOL}`);
    const newView = new ClientView(newcomer);
    const oldFrames = oldView.catchUp();
    newView.catchUp();

    expect(oldFrames[0]?.type).toBe("snapshot");
    expect(oldView.seq).toBeGreaterThanOrEqual(seenSeq);
    expectHistoryKept(seenCandles, oldView.snapshots[oldView.snapshots.length - 1] as Snapshot);
    expect(newView.snapshots).toHaveLength(1);
    expect(newView.seq).toBe(oldView.seq);

    await room.advance(b, 3_000);
    oldView.catchUp();
    newView.catchUp();
    expect(oldView.gaps).toEqual([]);
    expect(newView.gaps).toEqual([]);
    expect(newView.seq).toBe(oldView.seq);
    expect(newView.lastTick).toEqual(oldView.lastTick);
    expect(storage.counts.setAlarms).toBe(0);
  });

  it("runs again for the sockets that stayed open when a frame of theirs wakes it", async () => {
    const sim = new Simulator(SYMBOL);
    const storage = new FakeStorage();
    const room = new FakeRoom<TickerConnState>(SYMBOL, { storage });
    const a = new TickerCore(room);
    await a.start();
    const conn = await room.connect(a, `/parties/ticker/${SYMBOL}`);
    const view = new ClientView(conn);
    await room.advance(a, 2_000);
    view.catchUp();
    const seenSeq = view.seq;

    // Evicted with its socket open and nothing pending: no alarm will wake it.
    evictTimers();
    expect(storage.alarmTime).toBeNull();
    vi.setSystemTime(Date.now() + 20_000);
    // The client's next frame (a ping) is what starts instance B.
    const b = new TickerCore(room);
    await b.start();
    b.message(conn, JSON.stringify({ type: "ping", ref: "p1" }));
    await room.advance(b, 3_000);
    const frames = view.catchUp();
    expect(frames.some((f) => f.type === "pong")).toBe(true);
    const snap = frames.find((f): f is Snapshot => f.type === "snapshot");
    expect(snap?.seq).toBeGreaterThan(seenSeq);
    // seq counted every tick of the 20 s nobody was told about.
    const snapLast = snap?.ticks.at(-1) as Tick;
    expect((snap?.seq ?? 0) - seenSeq).toBeGreaterThan(0);
    expect(snapLast).toEqual(sim.lastTickAt(snapLast[0]));
    expect(view.gaps).toEqual([]);
    expect(Date.now() - view.lastTick[0]).toBeLessThan(1000);
    expect(storage.counts.setAlarms).toBe(0);
  });

  it("catches up to the present on the next connect after an hour alone", async () => {
    const sim = new Simulator(SYMBOL);
    const storage = new FakeStorage();
    const room = new FakeRoom<TickerConnState>(SYMBOL, { storage });
    const a = new TickerCore(room);
    await a.start();
    const first = await room.connect(a, `/parties/ticker/${SYMBOL}`);
    const firstView = new ClientView(first);
    await room.advance(a, 3_000);
    await room.disconnect(a, first);
    firstView.catchUp();
    const seenSeq = firstView.seq;
    const seenTick = firstView.lastTick;
    expect(storage.alarmTime).toBeNull();

    // Nobody watches for an hour: nothing runs, and the instance is evicted.
    const idle = storage.snapshotCounts();
    await room.advance(a, 60 * MIN);
    expect(storage.snapshotCounts()).toEqual(idle);
    expect(vi.getTimerCount()).toBe(0);

    const b = new TickerCore(room);
    await b.start();
    const later = await room.connect(b, `/parties/ticker/${SYMBOL}`);
    const view = new ClientView(later);
    view.catchUp();
    const snap = view.snapshots[0] as Snapshot;
    expect(snap).toBeDefined();
    const now = Date.now();
    const last = snap.ticks[snap.ticks.length - 1] as Tick;
    expect(now - last[0]).toBeLessThan(1000);
    expect(last[0]).toBeLessThanOrEqual(now);
    expect(last).toEqual(sim.lastTickAt(now));
    // seq went on counting through the hour nobody saw.
    const hourTicks = sim.countBetween(seenTick[0], last[0]);
    expect(hourTicks).toBeGreaterThan(3600);
    expect(snap.seq - seenSeq).toBe(hourTicks);
    // A full day of candles up to now, ending with the last tick.
    const newest = snap.candles[snap.candles.length - 1] as Candle;
    expect(newest[0]).toBe(now - (now % MIN));
    expect(newest[4]).toBe(last[1]);
    expect(snap.candles.length).toBeGreaterThanOrEqual(1440);
    expect(snap.quote?.price).toBe(last[1]);

    await room.advance(b, 2_000);
    view.catchUp();
    expect(view.gaps).toEqual([]);
    expect(view.streamed.length).toBeGreaterThan(0);
  });

  it("serves at most 24 hours of candles after a wake-up", async () => {
    const storage = new FakeStorage();
    const room = new FakeRoom<TickerConnState>(SYMBOL, { storage });
    const a = new TickerCore(room);
    await a.start();
    const conn = await room.connect(a, `/parties/ticker/${SYMBOL}`);
    const view = new ClientView(conn);
    // Watched for a few minutes: the oldest minutes fall out of the 24 hours meanwhile.
    await room.advance(a, 4 * MIN);
    // A live room's snapshot keeps to the window.
    const peer = await room.connect(a, `/parties/ticker/${SYMBOL}`);
    const peerSnap = new ClientView(peer).catchUp()[0] as Snapshot;
    expect(peerSnap.candles[0]?.[0]).toBeGreaterThanOrEqual(peerSnap.serverTime - DAY - MIN);
    expect(peerSnap.candles.length).toBeLessThanOrEqual(1441);
    view.catchUp();

    evictTimers();
    const b = new TickerCore(room);
    await b.start();
    await room.advance(b, 2_000);
    const snap = view.catchUp().find((f): f is Snapshot => f.type === "snapshot");
    expect(snap).toBeDefined();
    if (!snap) return;
    // PROTOCOL.md: candles cover up to the last 24 h, woken or not.
    expect(snap.candles[0]?.[0]).toBeGreaterThanOrEqual(snap.serverTime - DAY - MIN);
    expect(snap.candles.length).toBeLessThanOrEqual(1441);
  });
});

describe("a watched ticker room", () => {
  it("sends quote subscribers at most one frame a second, and full subscribers every tick", async () => {
    const sim = new Simulator(SYMBOL);
    const room = new FakeRoom<TickerConnState>(SYMBOL);
    const server = new TickerCore(room);
    await server.start();
    const full = await room.connect(server, `/parties/ticker/${SYMBOL}`);
    const quote = await room.connect(server, `/parties/ticker/${SYMBOL}?mode=quote`);
    const fullView = new ClientView(full);
    await room.advance(server, 10_000);
    fullView.catchUp();

    const quoteFrames = quote.sent.filter((f) => f.text.startsWith('{"type":"quote"'));
    expect(quoteFrames.length).toBeGreaterThanOrEqual(8);
    for (let i = 1; i < quoteFrames.length; i++) {
      const gap = (quoteFrames[i]?.at as number) - (quoteFrames[i - 1]?.at as number);
      expect(gap).toBeGreaterThanOrEqual(1000);
    }
    const lastQuote = JSON.parse(
      quoteFrames[quoteFrames.length - 1]?.text as string,
    ) as QuoteMessage;
    expect(lastQuote.symbol).toBe(SYMBOL);

    const ticksFrames = full.frames<TicksMessage>().filter((f) => f.type === "ticks");
    const snap = fullView.snapshots[0] as Snapshot;
    const from = (snap.ticks[snap.ticks.length - 1] as Tick)[0];
    expect(fullView.streamed).toEqual(sim.ticksBetween(from, Date.now()));
    expect(fullView.gaps).toEqual([]);
    // Ticks are coalesced: fewer frames than ticks when the rate allows it, never more.
    expect(ticksFrames.length).toBeLessThanOrEqual(fullView.streamed.length);
    for (const f of ticksFrames) expect(f.quote.price).toBe(f.ticks[f.ticks.length - 1]?.[1]);
  });
});

describe("the stand-in runtime", () => {
  // The wake-up tests mean something only if the fake is as strict as the platform.
  it("stores copies, lists by prefix in key order, and keeps one alarm", async () => {
    const storage = new FakeStorage();
    const value = { list: [1, 2, 3] };
    await storage.put("b", value);
    value.list.push(4);
    const read = await storage.get<{ list: number[] }>("b");
    expect(read).toEqual({ list: [1, 2, 3] });
    read?.list.push(5);
    expect(await storage.get("b")).toEqual({ list: [1, 2, 3] });

    await storage.put({ "c:20": 2, "c:100": 1, "c:3": 3, other: 0 });
    expect([...(await storage.list({ prefix: "c:" })).keys()]).toEqual(["c:100", "c:20", "c:3"]);
    expect(await storage.get(["other", "missing"])).toEqual(new Map([["other", 0]]));
    expect(await storage.delete(["c:3", "missing"])).toBe(1);
    expect(storage.counts.puts).toBe(2);

    await storage.setAlarm(START + 1000);
    await storage.setAlarm(START + 2000);
    expect(await storage.getAlarm()).toBe(START + 2000);
    expect(storage.takeDueAlarm(START + 1999)).toBe(false);
    expect(storage.takeDueAlarm(START + 2000)).toBe(true);
    expect(await storage.getAlarm()).toBeNull();
  });

  it("refuses what Durable Objects refuse", async () => {
    const storage = new FakeStorage();
    await expect(storage.put("big", "x".repeat(200 * 1024))).rejects.toThrow(RangeError);
    const many = Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`k${i}`, i]));
    await expect(storage.put(many)).rejects.toThrow(RangeError);
    expect(storage.keys()).toEqual([]);
    const room = new FakeRoom<TickerConnState>(SYMBOL, { storage });
    await storage.setAlarm(Date.now());
    const readsId = { start: async () => {}, alarm: async () => void room.id };
    await expect(room.fireAlarm(readsId)).rejects.toThrow(/Party\.id/);
    expect(room.id).toBe(SYMBOL);
  });
});

describe("shared alerts in a ticker room", () => {
  const PUSHED = "ALRT";
  const LIST = "list-0123456789abcdef";
  const TOKEN = "alert-token";
  const base = `http://localhost/parties/ticker/${PUSHED}`;

  function pushRoom(storage?: FakeStorage) {
    const room = new FakeRoom<TickerConnState>(PUSHED, {
      env: { INGEST_TOKEN: TOKEN },
      ...(storage ? { storage } : {}),
    });
    const core = new TickerCore(room);
    const push = async (...prices: number[]) => {
      const ticks = prices.map((p, i): Tick => [Date.now() + i, p, 1]);
      const res = await core.request(
        new Request(base, {
          method: "POST",
          headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
          body: JSON.stringify({ ticks }),
        }),
      );
      expect(res.status).toBe(200);
      vi.setSystemTime(Date.now() + 1000);
      await vi.advanceTimersByTimeAsync(0);
      return ticks;
    };
    return { room, core, storage: room.storage, push };
  }

  function arm(
    core: TickerCore,
    set: AlertSet,
    options: { internal?: boolean; symbol?: string } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (options.internal ?? true) headers[INTERNAL_HEADER] = "1";
    return core.request(
      new Request(`http://localhost/parties/ticker/${options.symbol ?? PUSHED}?alerts`, {
        method: "POST",
        headers,
        body: JSON.stringify(set),
      }),
    );
  }

  const alert = (id: string, when: AlertWhen, value: number): LinkedAlert => ({
    id,
    when,
    value,
    armedAt: Date.now(),
  });

  const firings = (room: FakeRoom<TickerConnState>) =>
    room.sentToRooms.filter((r) => r.party === "watchlist" && r.url.endsWith("?fired"));

  it("arms a list's set, fires once on the crossing tick and delivers it to the list", async () => {
    const { room, core, storage, push } = pushRoom();
    await core.start();
    await push(10);
    const res = await arm(core, { list: LIST, seq: 1, armed: [alert("a1", "above", 11)] });
    expect(res.status).toBe(200);
    expect(storage.peek<{ seq: number; armed: LinkedAlert[] }>(`alerts:${LIST}`)?.armed).toEqual([
      expect.objectContaining({ id: "a1", when: "above", value: 11 }),
    ]);

    await push(10.5);
    expect(firings(room)).toEqual([]);
    const [crossing] = await push(11.25, 11.5);
    const sent = firings(room);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.id).toBe(LIST);
    expect(sent[0]?.headers[INTERNAL_HEADER]).toBe("1");
    expect(sent[0]?.body).toEqual({
      alertId: "a1",
      symbol: PUSHED,
      price: 11.25,
      time: crossing?.[0] as number,
    } satisfies AlertFired);
    // Delivered: the outbox is empty, and the alert is no longer armed for the list.
    expect(storage.keys().filter((k) => k.startsWith("outbox:"))).toEqual([]);
    expect(storage.peek<{ armed: LinkedAlert[] }>(`alerts:${LIST}`)?.armed).toEqual([]);

    await push(10, 12, 10, 12);
    expect(firings(room)).toHaveLength(1);
    // The same set again (a retry of the list) re-arms nothing.
    await arm(core, { list: LIST, seq: 1, armed: [alert("a1", "above", 11)] });
    await push(10, 12);
    expect(firings(room)).toHaveLength(1);
  });

  it("stores the firing and its disarming in one batch, before it is sent", async () => {
    const { room, core, storage, push } = pushRoom();
    await core.start();
    await push(10);
    await arm(core, { list: LIST, seq: 1, armed: [alert("a1", "below", 9)] });
    let seenStored: boolean | null = null;
    room.answerRoom = () => {
      seenStored =
        storage.peek(`outbox:${LIST}:a1`) !== undefined &&
        (storage.peek<{ armed: LinkedAlert[] }>(`alerts:${LIST}`)?.armed.length ?? -1) === 0;
      return Response.json({ status: "fired" });
    };
    const puts = storage.counts.puts;
    await push(8.5);
    expect(seenStored).toBe(true);
    // The push and the firing went in the same batch of writes as the ticks.
    expect(storage.counts.puts - puts).toBeLessThanOrEqual(2);
  });

  it("keeps a firing whose delivery failed and retries it on its alarm until delivered", async () => {
    const { room, core, storage, push } = pushRoom();
    await core.start();
    await push(10);
    await arm(core, { list: LIST, seq: 1, armed: [alert("a1", "above", 11)] });
    let failing = 2;
    room.answerRoom = () => {
      if (failing-- > 0) return new Response("down", { status: 503 });
      return Response.json({ status: "fired" });
    };
    await push(12);
    expect(firings(room).map((f) => f.status)).toEqual([503]);
    expect(storage.peek(`outbox:${LIST}:a1`)).toBeDefined();
    const alarm = storage.alarmTime;
    expect(alarm).not.toBeNull();
    expect((alarm as number) - Date.now()).toBeLessThanOrEqual(2000);

    await room.advance(core, 2000);
    expect(firings(room).map((f) => f.status)).toEqual([503, 503]);
    await room.advance(core, 5000);
    expect(firings(room).map((f) => f.status)).toEqual([503, 503, 200]);
    expect(storage.peek(`outbox:${LIST}:a1`)).toBeUndefined();
    // Nothing left to retry: no alarm in a push room nobody watches.
    expect(storage.alarmTime).toBeNull();
    expect(new Set(firings(room).map((f) => JSON.stringify(f.body))).size).toBe(1);
  });

  it("after a restart neither fires again nor loses a firing that was not delivered", async () => {
    const storage = new FakeStorage();
    const first = pushRoom(storage);
    await first.core.start();
    await first.push(10);
    await arm(first.core, {
      list: LIST,
      seq: 1,
      armed: [alert("a1", "above", 11), alert("a2", "above", 20)],
    });
    first.room.answerRoom = () => {
      throw new Error("no answer");
    };
    const [crossing] = await first.push(11.5);
    expect(firings(first.room)).toHaveLength(1);
    expect(storage.peek(`outbox:${LIST}:a1`)).toBeDefined();

    // The instance is gone (a crash): a new one over the same storage.
    evictTimers();
    const second = pushRoom(storage);
    await second.core.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(firings(second.room).map((f) => f.body)).toEqual([
      { alertId: "a1", symbol: PUSHED, price: 11.5, time: crossing?.[0] },
    ]);
    expect(storage.peek(`outbox:${LIST}:a1`)).toBeUndefined();
    // a1 stays fired; a2 is still armed, counting from the last price.
    await second.push(10, 12, 21);
    expect(firings(second.room).map((f) => (f.body as AlertFired).alertId)).toEqual(["a1", "a2"]);

    evictTimers();
    const third = pushRoom(storage);
    await third.core.start();
    await third.push(10, 30);
    expect(firings(third.room)).toEqual([]);
  });

  it("refuses a set from outside, and changes nothing", async () => {
    const { core, storage } = pushRoom();
    const res = await arm(
      core,
      { list: LIST, seq: 1, armed: [alert("a1", "above", 11)] },
      { internal: false },
    );
    expect(res.status).toBe(403);
    expect(storage.keys()).toEqual([]);
    expect(storage.counts.puts).toBe(0);
    expect(storage.alarmTime).toBeNull();
  });

  it("ignores an older set, and refuses more than the symbol's limit across lists", async () => {
    const { core, push } = pushRoom();
    await core.start();
    await push(10);
    await arm(core, { list: LIST, seq: 5, armed: [alert("a1", "above", 11)] });
    const late = await arm(core, { list: LIST, seq: 4, armed: [] });
    expect(((await late.json()) as { status: string }).status).toBe("ignored");
    const full = Array.from({ length: 20 }, (_, i) => alert(`b${i}`, "above", 100 + i));
    for (let n = 0; n < 49; n++) {
      const list = `list-${String(n).padStart(16, "0")}`;
      expect((await arm(core, { list, seq: 1, armed: full })).status).toBe(200);
    }
    // 1 + 49 × 20 = 981 armed: 20 more would be 1001.
    const over = await arm(core, { list: `list-${"x".repeat(16)}`, seq: 1, armed: full });
    expect(over.status).toBe(409);
    expect(((await over.json()) as { error: { code: string } }).error.code).toBe("conflict");
  });

  it("does nothing at all in a room with neither alerts nor subscribers", async () => {
    const room = new FakeRoom<TickerConnState>(SYMBOL);
    const core = new TickerCore(room);
    await core.start();
    const snap = await core.request(new Request(`http://localhost/parties/ticker/${SYMBOL}`));
    expect(snap.status).toBe(200);
    await room.advance(core, 10 * MIN);
    expect(room.storage.counts).toEqual(new FakeStorage().counts);
    expect(room.storage.alarmTime).toBeNull();
    expect(room.sentToRooms).toEqual([]);
  });

  it("fires in a simulated room nobody watches, on its alarm, at the true crossing tick", async () => {
    const sim = new Simulator(SYMBOL);
    const room = new FakeRoom<TickerConnState>(SYMBOL);
    const core = new TickerCore(room);
    await core.start();
    const armedAt = Date.now();
    const span = 5 * MIN;
    const before = sim.lastTickAt(armedAt)[1];
    const ticks = sim.ticksBetween(armedAt, armedAt + span);
    const high = Math.max(...ticks.map((t) => t[1]));
    const low = Math.min(...ticks.map((t) => t[1]));
    const rising = high - before > before - low;
    const when: AlertWhen = rising ? "above" : "below";
    const value = rising ? (before + high) / 2 : (before + low) / 2;
    const expected = evaluate(
      [{ rule: { id: "s1", symbol: SYMBOL, when, value }, before }],
      ticks,
      () => 0,
    ).fired;
    expect(expected).toHaveLength(1);

    const res = await arm(
      core,
      { list: LIST, seq: 1, armed: [{ id: "s1", when, value, armedAt }] },
      { symbol: SYMBOL },
    );
    expect(res.status).toBe(200);
    // No room was created for it: only the alerts are stored, and an alarm set to walk them.
    expect(room.storage.keys().sort()).toEqual(["alerts-at", `alerts:${LIST}`]);
    expect(room.storage.alarmTime).toBe(armedAt + ALERT_WALK_MS);

    await room.advance(core, span + ALERT_WALK_MS);
    const sent = firings(room);
    expect(sent.map((f) => f.body)).toEqual([
      { alertId: "s1", symbol: SYMBOL, price: expected[0]?.price, time: expected[0]?.time },
    ]);
    // Nothing armed any more: the alarm chain stops.
    expect(room.storage.alarmTime).toBeNull();
    expect(room.storage.keys().some((k) => k === "meta" || k.startsWith("c:"))).toBe(false);
  });
});
