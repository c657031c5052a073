/**
 * Every frame a watchlist page sends leaves through here, at a pace well under the room's
 * budget, so that nothing a person does (a key held down, a reconnect that sends everything
 * again) ever meets `rate_limited`. Reorders are coalesced: a symbol has at most one `move` the
 * room has not answered and one waiting behind it, which always carries the latest target.
 */
import { LIMITS, type WatchlistClientMessage } from "../../party/protocol/index.ts";
import type { DrawingFrame } from "./collab-drawings.ts";

/** A crosshair as it goes out: where the pointer is on a chart, or that it left. */
export type CrosshairSent =
  | { type: "crosshair"; symbol: string; time: number; price: number }
  | { type: "crosshair"; symbol: null };

/** Every frame a watchlist page sends, as the wire has it. */
export type OutgoingFrame = WatchlistClientMessage | DrawingFrame | CrosshairSent;

/** Half the room's average and a quarter of its burst: room to spare for another tab. */
export const PACE = {
  perSecond: LIMITS.framesPerSecond / 2,
  burst: LIMITS.frameBurst / 4,
} as const;

/** How long a move waits for the answer to the one before it, should that answer be lost. */
export const ANSWER_MS = 5000;

export type Clock = {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
};

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};

export class FramePacer {
  private queue: OutgoingFrame[] = [];
  /** Symbol → the `ref` of its move that the room has not answered yet, and when it left. */
  private readonly moving = new Map<string, { ref: string; at: number }>();
  private tokens: number = PACE.burst;
  private filledAt: number;
  private timer: unknown = null;

  constructor(
    private readonly send: (message: OutgoingFrame) => void,
    private readonly clock: Clock = systemClock,
  ) {
    this.filledAt = clock.now();
  }

  /**
   * Queues a frame and sends what the pace allows. Returns the `ref` of a queued move that this
   * one replaced: it will never be sent, and its optimistic edit should be withdrawn.
   */
  push(message: OutgoingFrame): string | null {
    let replaced: string | null = null;
    if (message.type === "move") {
      // Only the last edit in the queue may be replaced: moves of one symbol on either side of
      // another edit do not commute with it.
      const at = this.lastEditAt();
      const last = this.queue[at];
      if (last?.type === "move" && last.symbol === message.symbol) {
        replaced = last.ref ?? null;
        this.queue[at] = message;
      } else {
        this.queue.push(message);
      }
    } else if (message.type === "focus" || message.type === "crosshair") {
      // Only where this person looks (and points) now matters.
      const at = this.queue.findIndex((m) => m.type === message.type);
      if (at >= 0) this.queue[at] = message;
      else this.queue.push(message);
    } else {
      this.queue.push(message);
    }
    this.drain();
    return replaced;
  }

  /** The room answered the frame with this `ref` (`ack` or `error`). */
  settled(ref: string): void {
    for (const [symbol, move] of this.moving) {
      if (move.ref !== ref) continue;
      this.moving.delete(symbol);
      this.drain();
      return;
    }
  }

  /** The connection is gone: what was queued is sent again from the store after the next one. */
  clear(): void {
    this.queue = [];
    this.moving.clear();
    this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Frames waiting to leave, oldest first (for tests and diagnostics). */
  get waiting(): readonly OutgoingFrame[] {
    return this.queue;
  }

  private lastEditAt(): number {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const type = this.queue[i]?.type;
      if (type !== "focus" && type !== "crosshair") return i;
    }
    return -1;
  }

  private drain(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = null;
    const now = this.clock.now();
    this.tokens = Math.min(
      PACE.burst,
      this.tokens + ((now - this.filledAt) * PACE.perSecond) / 1000,
    );
    this.filledAt = now;
    for (let head = this.queue[0]; head !== undefined; head = this.queue[0]) {
      if (head.type === "move") {
        const before = this.moving.get(head.symbol);
        if (before && now - before.at < ANSWER_MS) {
          // `settled` drains again as soon as the answer comes.
          this.later(ANSWER_MS - (now - before.at));
          return;
        }
      }
      if (this.tokens < 1) {
        this.later(((1 - this.tokens) * 1000) / PACE.perSecond);
        return;
      }
      this.tokens -= 1;
      this.queue.shift();
      if (head.type === "move" && head.ref !== undefined) {
        this.moving.set(head.symbol, { ref: head.ref, at: now });
      }
      this.send(head);
    }
  }

  private later(ms: number): void {
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.drain();
    }, Math.ceil(ms));
  }
}
