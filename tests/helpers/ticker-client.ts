/**
 * A ticker room's subscriber in a unit test, reading its socket in order as a WebSocket
 * delivers it, and failing the test at the first thing a client must never see: ticks before
 * a snapshot, a gap or a repeat in `seq`, a `seq` going back.
 */
import { expect } from "vitest";
import type { Snapshot, Tick, TickerServerMessage } from "../../party/protocol/index.ts";
import type { FakeConnection } from "./fake-room.ts";

export type Subscriber = {
  name: string;
  mode: "full" | "quote";
  conn: FakeConnection<unknown>;
  /** Frames read so far. */
  read: number;
  /** The last `seq` seen; null before the first snapshot. */
  seq: number | null;
  snapshots: Snapshot[];
  /** Every tick it was sent in `ticks` frames, in order. */
  ticks: Tick[];
};

export function subscriber(
  name: string,
  mode: Subscriber["mode"],
  conn: FakeConnection<unknown>,
): Subscriber {
  return { name, mode, conn, read: 0, seq: null, snapshots: [], ticks: [] };
}

/** Reads what has arrived since the last read, checking it; returns those frames. */
export function readFrames(c: Subscriber): TickerServerMessage[] {
  const frames = c.conn.frames<TickerServerMessage>(c.read);
  c.read += frames.length;
  for (const f of frames) {
    if (f.type === "snapshot") {
      if (c.seq !== null) expect(f.seq, `${c.name}: seq went back`).toBeGreaterThanOrEqual(c.seq);
      c.seq = f.seq;
      c.snapshots.push(f);
    } else if (f.type === "ticks") {
      expect(c.seq, `${c.name}: ticks before a snapshot`).not.toBeNull();
      expect(f.seq - f.ticks.length, `${c.name}: a gap or a repeat in seq`).toBe(c.seq);
      c.seq = f.seq;
      c.ticks.push(...f.ticks);
    } else if (f.type === "quote") {
      expect(f.seq, `${c.name}: quote seq went back`).toBeGreaterThanOrEqual(c.seq ?? 0);
      c.seq = f.seq;
    }
  }
  return frames;
}
