/**
 * The ticks of one symbol on their way into its room by push (the feed bridge, a replay). A
 * batch stays queued until the room acknowledges it, so a failed push is retried with the same
 * ticks and nothing is lost or sent twice; ticks leave in time order, and a tick older than the
 * last one pushed is dropped and counted, because the room refuses a push that goes back.
 */
import type { Tick } from "../protocol/index.ts";

export type QueueCounts = {
  /** Ticks handed to the queue. */
  received: number;
  /** Ticks the room acknowledged. */
  pushed: number;
  /** Ticks dropped for being older than the last one pushed, or already in the room. */
  late: number;
  /** Ticks of batches the room refused (HTTP 400). */
  rejected: number;
  /** Oldest ticks dropped because the queue was full (the room was unreachable for long). */
  overflow: number;
};

export class PushQueue {
  private pending: Tick[] = [];
  private inflight: Tick[] | null = null;
  /** Ticks the room held at `lastPushed` when seeded. */
  private held: Tick[] = [];
  /** Time of the room's last pushed tick, as far as this queue knows. */
  lastPushed: number | null = null;
  /** The room's `seq` after the last acknowledged push, when known. */
  lastSeq: number | null = null;
  readonly counts: QueueCounts = { received: 0, pushed: 0, late: 0, rejected: 0, overflow: 0 };

  constructor(private readonly maxQueued = 200_000) {}

  /** Ticks waiting, including a batch on its way. */
  get depth(): number {
    return this.pending.length + (this.inflight?.length ?? 0);
  }

  /** Ticks not yet in a batch. */
  get waiting(): number {
    return this.pending.length;
  }

  get sending(): boolean {
    return this.inflight !== null;
  }

  add(ticks: readonly Tick[]): void {
    this.counts.received += ticks.length;
    for (const t of ticks) this.pending.push(t);
    const over = this.pending.length - this.maxQueued;
    if (over > 0) {
      // The newest prices matter most to a live room: the oldest go first.
      this.byTime();
      this.pending.splice(0, over);
      this.counts.overflow += over;
    }
  }

  /**
   * What the room already holds, learnt from its snapshot: older ticks are not sent, and nor
   * are ticks equal to the ones it holds at its last time (`atLast`), which would be a second
   * copy (a replay run twice) since the room accepts ticks at its last pushed time.
   */
  seed(lastPushed: number | null, seq: number | null, atLast: readonly Tick[] = []): void {
    if (lastPushed !== null && (this.lastPushed === null || lastPushed > this.lastPushed)) {
      this.lastPushed = lastPushed;
      this.held = atLast.filter((t) => t[0] === lastPushed);
    }
    if (seq !== null && this.lastSeq === null) this.lastSeq = seq;
  }

  /**
   * The next batch of at most `max` ticks: the one on its way if it failed, else the oldest
   * waiting ticks in time order. Null when nothing is waiting.
   */
  take(max: number): Tick[] | null {
    if (this.inflight) return this.inflight;
    if (this.pending.length === 0) return null;
    this.byTime();
    const floor = this.lastPushed;
    if (floor !== null) {
      let late = 0;
      while (late < this.pending.length && (this.pending[late] as Tick)[0] < floor) late++;
      if (late > 0) {
        this.pending.splice(0, late);
        this.counts.late += late;
      }
      this.dropHeld(floor);
    }
    if (this.pending.length === 0) return null;
    this.inflight = this.pending.splice(0, max);
    return this.inflight;
  }

  /** The room stored the batch on its way. */
  ack(seq: number | null): number {
    const batch = this.inflight;
    if (!batch) return 0;
    this.inflight = null;
    this.counts.pushed += batch.length;
    this.lastPushed = (batch[batch.length - 1] as Tick)[0];
    this.held = [];
    if (seq !== null) this.lastSeq = seq;
    return batch.length;
  }

  /** The room refused the batch on its way: it is dropped, counted, never sent again. */
  reject(): number {
    const batch = this.inflight;
    if (!batch) return 0;
    this.inflight = null;
    this.counts.rejected += batch.length;
    return batch.length;
  }

  /** Drops waiting ticks at `floor` that the room already holds, one for one. */
  private dropHeld(floor: number): void {
    if (this.held.length === 0) return;
    const held = [...this.held];
    this.pending = this.pending.filter((t) => {
      if (t[0] !== floor) return true;
      const at = held.findIndex((h) => h[1] === t[1] && h[2] === t[2]);
      if (at < 0) return true;
      held.splice(at, 1);
      this.counts.late++;
      return false;
    });
    this.held = held;
  }

  private byTime(): void {
    this.pending.sort((a, b) => a[0] - b[0]);
  }
}

/** The parts of a ticker snapshot that tell whether a push arrived. */
export type RoomView = { source: string; seq: number; ticks: readonly Tick[] };

/**
 * After a push whose answer was lost (a dropped connection, a timeout, a gateway error), did
 * the room store the batch anyway? It did if the room is pushed to, its newest ticks are the
 * batch's, and (when the count before is known) `seq` moved by exactly the batch. Resending a
 * stored batch would duplicate it, since the room accepts ticks at its last pushed time.
 */
export function batchApplied(
  room: RoomView,
  batch: readonly Tick[],
  lastSeq: number | null,
): boolean {
  if (room.source !== "push" || batch.length === 0) return false;
  if (lastSeq !== null && room.seq !== lastSeq + batch.length) return false;
  const n = Math.min(batch.length, room.ticks.length);
  if (n === 0) return false;
  for (let i = 1; i <= n; i++) {
    const a = room.ticks[room.ticks.length - i] as Tick;
    const b = batch[batch.length - i] as Tick;
    if (a[0] !== b[0] || a[1] !== b[1] || a[2] !== b[2]) return false;
  }
  return true;
}

/**
 * The room's last pushed time from its refusal ("tick 0: time 5 is before the room's last
 * pushed tick (9)"), so that the queue stops sending ticks the room will refuse anyway.
 */
export function lastPushedFromRefusal(message: string): number | null {
  const m = /before the room's last pushed tick \((\d+)\)/.exec(message);
  return m ? Number(m[1]) : null;
}
