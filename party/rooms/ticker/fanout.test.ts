import { describe, expect, it } from "vitest";
import { FakeClock } from "../../../tests/helpers/fake-room.ts";
import { MAX_WINDOW_MS, MIN_WINDOW_MS } from "../../market/fanout.ts";
import type {
  Quote,
  Snapshot,
  Tick,
  TickerMode,
  TickerServerMessage,
  TicksMessage,
} from "../../protocol/index.ts";
import { parseTickerFrame } from "../../protocol/index.ts";
import { CATCH_UP_FRAME_LIMIT, Fanout, SNAPSHOT_CACHE_MS } from "./fanout.ts";

const START = Date.UTC(2026, 9, 14, 15, 0, 0);

class Socket {
  readonly frames: { at: number; frame: TickerServerMessage }[] = [];
  constructor(private readonly clock: FakeClock) {}
  send(text: string): void {
    // Read as the app reads it: a frame a client could not read fails the test here.
    const frame = parseTickerFrame(text);
    if (frame === null || frame.type === "unknown-version") {
      throw new Error(`the fan-out sent a frame a client cannot read: ${text}`);
    }
    this.frames.push({ at: this.clock.now(), frame });
  }
  of<T extends TickerServerMessage["type"]>(type: T) {
    return this.frames.filter(
      (f): f is { at: number; frame: Extract<TickerServerMessage, { type: T }> } =>
        f.frame.type === type,
    );
  }
}

/** A room of `full` and `quote` sockets whose ticks are made by `tick()`. */
function setup(options: { full?: number; quote?: number } = {}) {
  const clock = new FakeClock(START);
  const full = Array.from({ length: options.full ?? 1 }, () => new Socket(clock));
  const quote = Array.from({ length: options.quote ?? 1 }, () => new Socket(clock));
  let seq = 0;
  let last: Tick | null = null;
  let status: string | undefined;
  let snapshots = 0;
  const quoteOf = (t: Tick): Quote => ({
    price: t[1],
    open: 100,
    high: t[1],
    low: 100,
    prevClose: 100,
    change: t[1] - 100,
    changePct: t[1] - 100,
    volume: seq,
    time: t[0],
  });
  const fanout = new Fanout<Socket>({
    clock,
    sockets: (mode?: TickerMode) =>
      mode === undefined ? [...full, ...quote] : { full, quote }[mode],
    frame: () => ({ symbol: "TEST", seq, quote: last && quoteOf(last), status }),
    snapshot: (now, mode): Snapshot => {
      snapshots++;
      return {
        type: "snapshot",
        v: 1,
        symbol: "TEST",
        source: "push",
        seq,
        serverTime: now,
        quote: last && quoteOf(last),
        candles: [],
        ticks: last ? [last] : [],
        ...(mode === "quote" ? { spark: [] } : {}),
      };
    },
  });
  /** Makes `n` ticks now (as the room would: into the history first, then to the fan-out). */
  const make = (n = 1): Tick[] => {
    const ticks: Tick[] = [];
    for (let i = 0; i < n; i++) {
      seq++;
      last = [clock.now(), 100 + seq / 100, 1];
      ticks.push(last);
    }
    return ticks;
  };
  const tick = (n = 1) => fanout.queue(make(n));
  return {
    clock,
    fanout,
    full,
    quote,
    make,
    tick,
    setStatus: (s: string | undefined) => {
      status = s;
    },
    snapshotsBuilt: () => snapshots,
  };
}

/** Every ticks frame continues the one before it. */
function expectContiguous(frames: TicksMessage[], from = 0): void {
  let seq = from;
  for (const f of frames) {
    expect(f.seq - f.ticks.length).toBe(seq);
    seq = f.seq;
  }
}

describe("the fan-out of ticks", () => {
  it("sends a lone tick after a quiet spell at once", () => {
    const { clock, full, tick } = setup();
    tick();
    expect(full[0]?.of("ticks")).toHaveLength(1);
    clock.advance(5_000);
    tick();
    const frames = full[0]?.of("ticks") ?? [];
    expect(frames).toHaveLength(2);
    expect(frames[1]?.at).toBe(START + 5_000);
    expect(frames[1]?.frame.ticks).toHaveLength(1);
  });

  it("merges the ticks that arrive within the window after a frame into one frame", () => {
    const { clock, full, tick } = setup();
    tick();
    clock.advance(1);
    tick();
    clock.advance(1);
    tick(3);
    // Still inside the window: nothing more has left.
    expect(full[0]?.of("ticks")).toHaveLength(1);
    clock.advance(MIN_WINDOW_MS);
    const frames = (full[0]?.of("ticks") ?? []).map((f) => f.frame);
    expect(frames.map((f) => f.ticks.length)).toEqual([1, 4]);
    expectContiguous(frames);
    expect(frames[1]?.quote.price).toBe(frames[1]?.ticks[3]?.[1]);
  });

  it("lets ticks wait longer in a room whose frames reach many sockets", () => {
    const { clock, full, tick } = setup({ full: 1000 });
    tick();
    clock.advance(1);
    tick();
    clock.advance(MIN_WINDOW_MS * 2);
    expect(full[0]?.of("ticks")).toHaveLength(1);
    clock.advance(MAX_WINDOW_MS);
    expect(full[0]?.of("ticks")).toHaveLength(2);
    expect(full.every((s) => s.of("ticks").length === 2)).toBe(true);
  });

  it("sends every tick in order to every full socket, one serialisation per frame", () => {
    const { clock, fanout, full, tick } = setup({ full: 3 });
    let made = 0;
    for (let i = 0; i < 200; i++) {
      tick(1 + (i % 3));
      made += 1 + (i % 3);
      clock.advance(3);
    }
    clock.advance(MAX_WINDOW_MS);
    const frames = (full[0]?.of("ticks") ?? []).map((f) => f.frame);
    expectContiguous(frames);
    expect(frames.reduce((n, f) => n + f.ticks.length, 0)).toBe(made);
    expect(frames.length).toBeLessThan(200);
    for (const s of full) expect(s.of("ticks").map((f) => f.frame)).toEqual(frames);
    expect(fanout.counts).toEqual({ frames: frames.length, sends: 3 * frames.length, ticks: made });
  });

  it("sends at once, to everyone else, when a socket is about to get its snapshot", () => {
    const { clock, fanout, full, make, tick } = setup({ full: 2 });
    const [stays, joins] = full as [Socket, Socket];
    tick();
    clock.advance(1);
    fanout.queue(make(2), joins);
    expect(stays.of("ticks").map((f) => f.frame.ticks.length)).toEqual([1, 2]);
    expect(joins.of("ticks")).toHaveLength(1);
  });
});

describe("the fan-out of quotes", () => {
  it("sends quote sockets at most one frame a second, and only when something changed", () => {
    const { clock, full, quote, tick } = setup();
    for (let i = 0; i < 350; i++) {
      tick();
      clock.advance(10);
    }
    const quotes = quote[0]?.of("quote") ?? [];
    expect(quotes.length).toBeGreaterThanOrEqual(3);
    expect(quotes.length).toBeLessThanOrEqual(4);
    for (let i = 1; i < quotes.length; i++) {
      expect((quotes[i]?.at ?? 0) - (quotes[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    }
    expect(quote[0]?.of("ticks")).toEqual([]);
    // The changes of the last second still reach them, once.
    clock.advance(1000);
    const settled = quote[0]?.of("quote") ?? [];
    expect(settled.at(-1)?.frame.seq).toBe(350);
    // Then nothing changes, and nothing is sent.
    clock.advance(10_000);
    expect(quote[0]?.of("quote")).toHaveLength(settled.length);
    expect(full[0]?.of("quote")).toEqual([]);
  });

  it("leaves no timer behind once stopped", () => {
    const { clock, fanout, full, tick } = setup();
    tick();
    clock.advance(1);
    tick(2);
    expect(clock.pending).toBeGreaterThan(0);
    fanout.stop();
    expect(clock.pending).toBe(0);
    clock.advance(5_000);
    expect(full[0]?.of("ticks")).toHaveLength(1);
  });
});

describe("snapshots from the fan-out", () => {
  it("serialises a snapshot once per change and mode, and not for longer than the cache holds", () => {
    const { clock, fanout, tick, snapshotsBuilt } = setup();
    tick();
    const first = fanout.snapshotText("full");
    expect(fanout.snapshotText("full")).toBe(first);
    expect(snapshotsBuilt()).toBe(1);
    fanout.snapshotText("quote");
    expect(snapshotsBuilt()).toBe(2);
    tick();
    expect(fanout.snapshotText("full")).not.toBe(first);
    expect(snapshotsBuilt()).toBe(3);
    clock.advance(SNAPSHOT_CACHE_MS);
    fanout.snapshotText("full");
    expect(snapshotsBuilt()).toBe(4);
  });

  it("sends a catch-up too large for one frame as snapshots to both modes", () => {
    const { fanout, full, quote, make } = setup({ full: 2 });
    const [stays, joins] = full as [Socket, Socket];
    fanout.publish(make(CATCH_UP_FRAME_LIMIT + 1), joins);
    expect(stays.frames.map((f) => f.frame.type)).toEqual(["snapshot"]);
    expect(joins.frames).toEqual([]);
    expect(quote[0]?.frames.map((f) => f.frame.type)).toEqual(["snapshot"]);
    fanout.publish(make(CATCH_UP_FRAME_LIMIT));
    expect(stays.of("ticks")).toHaveLength(1);
  });

  it("starts sockets open across a wake-up over from a snapshot before any ticks", () => {
    const { fanout, full, make } = setup();
    fanout.resyncDue = true;
    fanout.publish([]);
    expect(full[0]?.frames.map((f) => f.frame.type)).toEqual(["snapshot"]);
    fanout.publish(make(1));
    expect(full[0]?.frames.map((f) => f.frame.type)).toEqual(["snapshot", "ticks"]);
  });

  it("tells everyone of a feed's state at once, with a fresh snapshot to follow", () => {
    const { clock, fanout, full, quote, tick, setStatus, snapshotsBuilt } = setup();
    tick();
    fanout.snapshotText("full");
    const built = snapshotsBuilt();
    setStatus("reconnecting to coinbase");
    fanout.status({ status: "reconnecting to coinbase", stale: true });
    for (const s of [full[0], quote[0]]) {
      expect(s?.of("status").map((f) => f.frame)).toEqual([
        { type: "status", symbol: "TEST", status: "reconnecting to coinbase", stale: true },
      ]);
    }
    // The next quote frame carries the new word as well, a second after the last one.
    clock.advance(1000);
    expect(quote[0]?.of("quote").at(-1)?.frame.status).toBe("reconnecting to coinbase");
    // Same seq, yet the snapshot is built afresh: the word is in it.
    fanout.snapshotText("full");
    expect(snapshotsBuilt()).toBe(built + 1);
  });
});
