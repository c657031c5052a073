/**
 * Pushes ticks into ticker rooms (`POST /parties/ticker/:symbol`), one queue per symbol, for
 * the feed bridge and the replay. A batch leaves its queue only when the room acknowledges it;
 * a failed push (no answer, a 5xx) is retried with jittered backoff, and before a retry the room
 * is asked whether it stored the batch anyway, so that a lost answer never duplicates ticks.
 * A refusal (400) drops the batch with its reason; a refused token (401, 403) stops everything.
 */
import { type Backoff, backoffDelay } from "../party/market/backoff.ts";
import {
  batchApplied,
  lastPushedFromRefusal,
  PushQueue,
  type QueueCounts,
  type RoomView,
} from "../party/market/push-queue.ts";
import { LIMITS, type Tick } from "../party/protocol/index.ts";
import { postRoom, readRoom } from "./feed-room.ts";

export type PusherOptions = {
  /** `http://localhost:1999` */
  server: string;
  token: string;
  /** A symbol's waiting ticks leave at least this often. */
  flushMs: number;
  /** Ticks per push, at most the rooms' limit; a full batch leaves at once. */
  batch: number;
  log: (line: string) => void;
  retry?: Backoff;
  requestTimeoutMs?: number;
};

type Slot = {
  symbol: string;
  queue: PushQueue;
  busy: boolean;
  /** Failed pushes in a row. */
  attempt: number;
  retryAt: number;
  retryTimer: ReturnType<typeof setTimeout> | null;
  /** The batch on its way failed without a clear answer: ask the room before resending. */
  verify: boolean;
  /** The room's snapshot has been read once, to learn what it holds. */
  seeded: boolean;
};

export type PushTotals = QueueCounts & { depth: number; symbols: number };

const RETRY: Backoff = { baseMs: 250, maxMs: 10_000 };

export class Pusher {
  private readonly slots = new Map<string, Slot>();
  private flushTimer: ReturnType<typeof setInterval> | null = null;
  private draining = false;
  private stopped = false;
  private readonly retry: Backoff;
  private readonly timeoutMs: number;
  /** Set when the server refused the token: nothing more can be pushed. */
  fatal: string | null = null;
  lastError: string | null = null;
  onFatal: (message: string) => void = () => undefined;
  /** Called with the number of ticks of every acknowledged push. */
  onPushed: (symbol: string, ticks: number) => void = () => undefined;
  /** Woken whenever a queue may have emptied. */
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: PusherOptions) {
    this.retry = options.retry ?? RETRY;
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
  }

  start(): void {
    this.flushTimer ??= setInterval(() => this.flushAll(), this.options.flushMs);
  }

  /** Stops all timers; queued ticks stay where they are. */
  stop(): void {
    this.stopped = true;
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.flushTimer = null;
    for (const slot of this.slots.values()) {
      if (slot.retryTimer) clearTimeout(slot.retryTimer);
      slot.retryTimer = null;
    }
    this.wake();
  }

  add(symbol: string, ticks: readonly Tick[]): void {
    if (ticks.length === 0) return;
    const slot = this.slot(symbol);
    slot.queue.add(ticks);
    if (slot.queue.waiting >= this.batchSize()) this.pump(slot);
  }

  totals(): PushTotals {
    const sum: PushTotals = {
      received: 0,
      pushed: 0,
      late: 0,
      rejected: 0,
      overflow: 0,
      depth: 0,
      symbols: 0,
    };
    for (const { queue } of this.slots.values()) {
      for (const key of ["received", "pushed", "late", "rejected", "overflow"] as const)
        sum[key] += queue.counts[key];
      sum.depth += queue.depth;
      sum.symbols++;
    }
    return sum;
  }

  counts(symbol: string): QueueCounts | null {
    return this.slots.get(symbol)?.queue.counts ?? null;
  }

  /**
   * Sends everything queued as fast as the rooms take it, until the queues are empty, the
   * token is refused, or `deadlineMs` passes. Resolves with the ticks left unsent.
   */
  async drain(deadlineMs: number, cut?: { signal: AbortSignal; graceMs: number }): Promise<number> {
    this.draining = true;
    let deadline = Date.now() + deadlineMs;
    // Ctrl-C during a long drain (a replay's end) still leaves a grace period to finish.
    const shorten = () => {
      deadline = Math.min(deadline, Date.now() + (cut?.graceMs ?? 0));
    };
    if (cut?.signal.aborted) shorten();
    cut?.signal.addEventListener("abort", shorten, { once: true });
    this.flushAll();
    while (!this.fatal && !this.stopped && this.totals().depth > 0 && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(100, Math.max(1, deadline - Date.now())));
        this.idleWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.flushAll();
    }
    cut?.signal.removeEventListener("abort", shorten);
    this.draining = false;
    return this.totals().depth;
  }

  private batchSize(): number {
    return Math.max(1, Math.min(this.options.batch, LIMITS.pushTicks));
  }

  private slot(symbol: string): Slot {
    let slot = this.slots.get(symbol);
    if (!slot) {
      slot = {
        symbol,
        queue: new PushQueue(),
        busy: false,
        attempt: 0,
        retryAt: 0,
        retryTimer: null,
        verify: false,
        seeded: false,
      };
      this.slots.set(symbol, slot);
    }
    return slot;
  }

  private flushAll(): void {
    for (const slot of this.slots.values()) this.pump(slot);
  }

  private wake(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** One request at a time per symbol keeps its ticks in order. */
  private pump(slot: Slot): void {
    if (slot.busy || this.fatal || this.stopped || Date.now() < slot.retryAt) return;
    if (!slot.queue.sending && slot.queue.waiting === 0) return;
    slot.busy = true;
    void this.step(slot)
      .catch((err: unknown) => this.failed(slot, errorText(err)))
      .finally(() => {
        slot.busy = false;
        this.wake();
        const more =
          slot.queue.sending ||
          slot.queue.waiting >= this.batchSize() ||
          (this.draining && slot.queue.waiting > 0);
        if (more && slot.attempt === 0) this.pump(slot);
      });
  }

  private async step(slot: Slot): Promise<void> {
    if (!slot.seeded) {
      const room = await this.snapshot(slot.symbol);
      slot.seeded = true;
      // A bridge restarted mid-day must not resend what the room already holds.
      if (room.source === "push") {
        slot.queue.seed(room.ticks.at(-1)?.[0] ?? null, room.seq, room.ticks);
      }
    }
    if (slot.verify && slot.queue.sending) {
      const batch = slot.queue.take(this.batchSize()) as Tick[];
      const room = await this.snapshot(slot.symbol);
      slot.verify = false;
      if (batchApplied(room, batch, slot.queue.lastSeq)) {
        this.options.log(
          `${slot.symbol}: the room had stored ${batch.length} ticks whose answer was lost; not sending them again`,
        );
        this.acked(slot, room.seq);
        return;
      }
    }
    const batch = slot.queue.take(this.batchSize());
    if (!batch) return;
    const res = await postRoom(
      this.options.server,
      this.options.token,
      slot.symbol,
      { ticks: batch },
      this.timeoutMs,
    );
    if (res.ok) {
      this.acked(slot, readSeq(res.text));
      return;
    }
    const message = res.message;
    if (res.status === 401 || res.status === 403) {
      this.fatal = `the server refused the ingest token (HTTP ${res.status}: ${message}); check INGEST_TOKEN`;
      this.onFatal(this.fatal);
      return;
    }
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
      const dropped = slot.queue.reject();
      slot.attempt = 0;
      this.lastError = `${slot.symbol}: the room refused ${dropped} ticks (HTTP ${res.status}): ${message}`;
      this.options.log(this.lastError);
      slot.queue.seed(lastPushedFromRefusal(message), null);
      return;
    }
    this.failed(slot, `HTTP ${res.status}: ${message}`);
  }

  private acked(slot: Slot, seq: number | null): void {
    const n = slot.queue.ack(seq);
    slot.attempt = 0;
    slot.retryAt = 0;
    this.onPushed(slot.symbol, n);
  }

  /** A push or a check that got no clear answer: wait, then ask the room before resending. */
  private failed(slot: Slot, reason: string): void {
    slot.verify = slot.queue.sending;
    const delay = backoffDelay(slot.attempt, this.retry);
    slot.attempt++;
    slot.retryAt = Date.now() + delay;
    this.lastError = `${slot.symbol}: push failed (${reason}); retry ${slot.attempt} in ${delay} ms`;
    this.options.log(this.lastError);
    if (slot.retryTimer) clearTimeout(slot.retryTimer);
    slot.retryTimer = setTimeout(() => {
      slot.retryTimer = null;
      slot.retryAt = 0;
      this.pump(slot);
    }, delay);
  }

  private snapshot(symbol: string): Promise<RoomView> {
    return readRoom(this.options.server, symbol, this.timeoutMs);
  }
}

function readSeq(body: string): number | null {
  try {
    const seq = (JSON.parse(body) as { seq?: unknown }).seq;
    return typeof seq === "number" ? seq : null;
  } catch {
    return null;
  }
}

export function errorText(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    const detail = cause instanceof Error ? cause.message : "";
    return detail && !err.message.includes(detail) ? `${err.message}: ${detail}` : err.message;
  }
  return String(err);
}
