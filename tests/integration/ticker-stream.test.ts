/**
 * A ticker room over a real WebSocket: the snapshot that opens every connection, the live
 * `ticks` stream in full mode, the throttled `quote` stream, and how the room answers frames
 * it does not understand, oversized frames, bursts and floods.
 */
import { isDeepStrictEqual } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../helpers/server.ts";
import {
  expectError,
  expectQuoteFrame,
  expectSnapshot,
  expectTicksFrame,
  getSnapshot,
  numbered,
  type Snapshot,
  type Tick,
  type TicksFrame,
} from "../helpers/ticker-wire.ts";
import { isType, WsClient } from "../helpers/ws-client.ts";

/** The simulator makes at least one tick a second; a frame three seconds apart is a stall. */
const TICK_WAIT_MS = 3000;

let server: TestServer;
const clients: WsClient[] = [];

beforeAll(async () => {
  server = await startServer();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await server?.dispose();
});

async function connect(symbol: string, query = ""): Promise<WsClient> {
  const client = await WsClient.connect(server.wsUrl(`/parties/ticker/${symbol}${query}`));
  clients.push(client);
  return client;
}

async function snapshotOf(client: WsClient, symbol: string, source = "sim"): Promise<Snapshot> {
  const first = await client.next(() => true, 5000, "first frame");
  return expectSnapshot(first.data, { symbol, source });
}

async function nextTicks(client: WsClient, symbol: string): Promise<TicksFrame> {
  return expectTicksFrame(await client.nextOf("ticks", TICK_WAIT_MS), symbol);
}

describe("the first frame", () => {
  it("is a full snapshot in full mode", async () => {
    const client = await connect("SNAPFULL");
    await snapshotOf(client, "SNAPFULL");
  });

  it("is a full snapshot in quote mode", async () => {
    const client = await connect("SNAPQUOTE", "?mode=quote");
    await snapshotOf(client, "SNAPQUOTE");
  });

  it("is a snapshot in quote mode when the room has ticks to catch up on", async () => {
    const symbol = "SNAPIDLE";
    await getSnapshot(server.url, symbol);
    // Nobody watches, so the room sleeps; every simulated second holds at least one tick,
    // so after this pause the joining subscriber's connect has ticks to catch up on.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const client = await connect(symbol, "?mode=quote");
    await snapshotOf(client, symbol);
  });

  it("is a snapshot on every connection, also beside one that is already streaming", async () => {
    const first = await connect("SNAPMANY");
    await snapshotOf(first, "SNAPMANY");
    await nextTicks(first, "SNAPMANY");
    const second = await connect("SNAPMANY");
    const third = await connect("SNAPMANY");
    await snapshotOf(second, "SNAPMANY");
    await snapshotOf(third, "SNAPMANY");
    await first.close();
    const again = await connect("SNAPMANY");
    await snapshotOf(again, "SNAPMANY");
  });
});

describe("full mode", () => {
  it("streams ticks with contiguous seq, continuing the snapshot without a jump", async () => {
    const symbol = "STREAM";
    const client = await connect(symbol);
    const snapshot = await snapshotOf(client, symbol);
    const frames: TicksFrame[] = [];
    for (let i = 0; i < 8; i++) frames.push(await nextTicks(client, symbol));

    let seq = snapshot.seq;
    let time = (snapshot.ticks[snapshot.ticks.length - 1] as Tick)[0];
    for (const frame of frames) {
      expect(frame.seq, "the ticks of consecutive frames are consecutive").toBe(
        seq + frame.ticks.length,
      );
      seq = frame.seq;
      expect(frame.ticks[0]?.[0], "times never go back").toBeGreaterThanOrEqual(time);
      time = (frame.ticks[frame.ticks.length - 1] as Tick)[0];
    }

    const backfilled = (snapshot.ticks[snapshot.ticks.length - 1] as Tick)[1];
    const live = ((frames[0] as TicksFrame).ticks[0] as Tick)[1];
    expect(Math.abs(live / backfilled - 1), "first live price continues the backfill").toBeLessThan(
      0.03,
    );
  });

  it("sends ticks as they happen", async () => {
    const symbol = "LIVE";
    const client = await connect(symbol);
    await snapshotOf(client, symbol);
    let previousAt = Date.now();
    for (let i = 0; i < 5; i++) {
      const frame = await client.nextOf("ticks", TICK_WAIT_MS);
      const ticks = expectTicksFrame(frame, symbol).ticks;
      const newest = (ticks[ticks.length - 1] as Tick)[0];
      // Same machine, same clock: a tick is neither from the future nor long delayed.
      expect(newest).toBeLessThanOrEqual(frame.at + 500);
      expect(newest).toBeGreaterThan(frame.at - TICK_WAIT_MS);
      expect(frame.at - previousAt).toBeLessThan(TICK_WAIT_MS);
      previousAt = frame.at;
    }
  });

  it("gives two subscribers of one room the same seq for the same ticks", async () => {
    const symbol = "TWOSUBS";
    const a = await connect(symbol);
    const snapA = await snapshotOf(a, symbol);
    const b = await connect(symbol);
    const snapB = await snapshotOf(b, symbol);
    const byA = numbered(snapA.seq, snapA.ticks);
    const byB = numbered(snapB.seq, snapB.ticks);
    for (let i = 0; i < 5; i++) {
      const fa = await nextTicks(a, symbol);
      for (const [n, tick] of numbered(fa.seq, fa.ticks)) byA.set(n, tick);
      const fb = await nextTicks(b, symbol);
      for (const [n, tick] of numbered(fb.seq, fb.ticks)) byB.set(n, tick);
    }
    // Catch up with whatever the other socket already has, so both cover the same stretch.
    const target = Math.max(...byA.keys(), ...byB.keys());
    while (Math.max(...byA.keys()) < target) {
      const f = await nextTicks(a, symbol);
      for (const [n, tick] of numbered(f.seq, f.ticks)) byA.set(n, tick);
    }
    while (Math.max(...byB.keys()) < target) {
      const f = await nextTicks(b, symbol);
      for (const [n, tick] of numbered(f.seq, f.ticks)) byB.set(n, tick);
    }

    let shared = 0;
    for (const [n, tick] of byB) {
      const other = byA.get(n);
      if (!other) continue;
      shared++;
      expect(tick, `tick number ${n}`).toEqual(other);
    }
    // B's snapshot and every live tick after it are known to A as well.
    expect(shared).toBeGreaterThan(snapB.ticks.length);
  });
});

describe("quote mode", () => {
  it("sends only quote frames, at most one a second, and keeps sending them", async () => {
    const symbol = "QUOTES";
    const client = await connect(symbol, "?mode=quote");
    // Whether the snapshot comes first is the test above; this one is about what follows it.
    const snapshot = expectSnapshot(await client.nextOf("snapshot", 5000), {
      symbol,
      source: "sim",
    });
    const start = client.frames.findIndex((f) => isType(f.data, "snapshot"));
    for (let i = 0; i < 3; i++) {
      // "At most once per second": a second and a half of slack for the timer and the wire.
      await client.nextOf("quote", 2500);
    }
    const after = client.frames.slice(start + 1);
    expect(
      after.filter((f) => !isType(f.data, "quote")).map((f) => f.text),
      "quote mode gets quote frames only",
    ).toEqual([]);

    let previous = { seq: snapshot.seq, quote: snapshot.quote, at: 0 };
    for (const frame of after) {
      const q = expectQuoteFrame(frame.data, symbol);
      expect(q.seq, "seq never goes back").toBeGreaterThanOrEqual(previous.seq);
      expect(
        q.seq !== previous.seq || !isDeepStrictEqual(q.quote, previous.quote),
        "a quote frame is sent only when something changed",
      ).toBe(true);
      if (previous.at > 0) {
        expect(frame.at - previous.at, "quote frames are a second apart").toBeGreaterThanOrEqual(
          950,
        );
      }
      previous = { seq: q.seq, quote: q.quote, at: frame.at };
    }
  });
});

describe("client frames", () => {
  it("answers frames it does not understand with bad_message and keeps streaming", async () => {
    const symbol = "BADFRAMES";
    const client = await connect(symbol);
    await snapshotOf(client, symbol);
    const bad: [string, string | Buffer, string][] = [
      ["text that is not JSON", "hello", "bad_message"],
      ["JSON with an unknown type", JSON.stringify({ type: "subscribe", symbol }), "bad_message"],
      ["JSON without a type", JSON.stringify({ symbol }), "bad_message"],
      ["a JSON array", "[1,2,3]", "bad_message"],
      ["JSON null", "null", "bad_message"],
      ["a binary frame", Buffer.from(JSON.stringify({ type: "ping" })), "bad_message"],
      ["a text frame of exactly 4 KiB", paddedFrame(4096), "bad_message"],
      ["a text frame over 4 KiB", paddedFrame(5000), "too_large"],
      ["a frame of 2100 characters but 6300 bytes", "€".repeat(2100), "too_large"],
      ["a binary frame over 4 KiB", Buffer.alloc(5000, 0x7b), "too_large"],
    ];
    for (const [what, frame, code] of bad) {
      client.send(frame);
      const error = await client.nextOf("error", 3000);
      expect(error.code, what).toBe(code);
      expectError(error, code);
      // The connection stays open and the room goes on sending ticks.
      await nextTicks(client, symbol);
      expect(client.isOpen, `open after ${what}`).toBe(true);
    }
  });

  it("lets a burst of 40 frames through and refuses the rest with rate_limited, keeping the socket", async () => {
    const symbol = "RATELIMIT";
    const client = await connect(symbol);
    await snapshotOf(client, symbol);
    for (let i = 0; i < 100; i++) client.send(JSON.stringify({ type: "ping", ref: `p${i}` }));
    await answersTo(client, 100);
    const refused = rateLimited(client);
    // 40 at once, then 20 a second: a burst of 100 gets 60 refusals, fewer if the room took
    // its time reading them.
    expect(refused).toBeLessThanOrEqual(60);
    expect(refused).toBeGreaterThanOrEqual(55);
    expect(client.all("pong")).toHaveLength(100 - refused);
    expect(client.all("pong")[0]?.ref).toBe("p0");
    await nextTicks(client, symbol);
    expect(client.isOpen).toBe(true);
  });

  it("closes a connection with 1008 only after more than 100 refusals, and leaves the others alone", async () => {
    const symbol = "FLOOD";
    const bystander = await connect(symbol);
    await snapshotOf(bystander, symbol);
    const flooder = await connect(symbol);
    await snapshotOf(flooder, symbol);
    for (let i = 0; i < 100; i++) flooder.send(JSON.stringify({ type: "ping" }));
    await answersTo(flooder, 100);
    expect(rateLimited(flooder)).toBeGreaterThan(50);
    expect(flooder.isOpen, "open after a burst of 100").toBe(true);

    for (let i = 0; i < 200 && flooder.isOpen; i++) flooder.send(JSON.stringify({ type: "ping" }));
    const closed = await Promise.race([
      flooder.closed,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 5000)),
    ]);
    expect(closed?.code, "close code after a flood").toBe(1008);
    // Every refusal before the 101st was answered; the 101st closed the connection.
    expect(rateLimited(flooder)).toBe(100);
    await nextTicks(bystander, symbol);
    expect(bystander.isOpen).toBe(true);
  });
});

/** Waits until the room has answered `count` frames (pongs and errors). */
async function answersTo(client: WsClient, count: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while (client.all("pong").length + client.all("error").length < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} answers within 5 s`);
    await client.next((data) => isType(data, "pong") || isType(data, "error"), 5000, "answer");
  }
}

function rateLimited(client: WsClient): number {
  return client.all("error").filter((e) => e.code === "rate_limited").length;
}

/** A JSON frame the room does not understand, exactly `bytes` long. */
function paddedFrame(bytes: number): string {
  const empty = JSON.stringify({ type: "padding", pad: "" });
  return JSON.stringify({ type: "padding", pad: "x".repeat(bytes - empty.length) });
}
