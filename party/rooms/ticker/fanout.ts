/**
 * How a ticker room's ticks reach its sockets. Full-mode sockets get `ticks` frames, each
 * serialised once and sent to all, folding the ticks that arrive while a frame has just left
 * into the next one (`frameDelay`); quote-mode sockets get at most one `quote` frame a second,
 * and only when something changed. Snapshots are serialised once per change and mode.
 *
 * It holds no room state: what the frames say comes from `frame()` and `snapshot()`, the sockets
 * from `sockets()`, the time and timers from `clock`.
 */
import { frameDelay, frameWindow } from "../../market/fanout.ts";
import {
  LIMITS,
  type Quote,
  type Snapshot,
  type Tick,
  type TickerMode,
  type TickerServerMessage,
} from "../../protocol/index.ts";
import type { Clock } from "./clock.ts";
import type { UpstreamStatus } from "./upstream.ts";

/** A catch-up larger than this is sent as a fresh snapshot rather than one huge frame. */
export const CATCH_UP_FRAME_LIMIT = 2000;
/** Serialised snapshots are reused for this long while nothing changes. */
export const SNAPSHOT_CACHE_MS = 250;

export interface Sender {
  send(text: string): void;
}

/** What the room's frames say right now. */
export type FrameState = {
  symbol: string;
  seq: number;
  quote: Quote | null;
  status: string | undefined;
};

export interface FanoutDeps<C extends Sender> {
  clock: Clock;
  /** Open sockets of one mode, or all of them. */
  sockets(mode?: TickerMode): Iterable<C>;
  /** Null before the room exists. */
  frame(): FrameState | null;
  snapshot(now: number, mode: TickerMode): Snapshot;
}

export class Fanout<C extends Sender> {
  /** What the fan-out has cost, for `?stats`: frames built, sends made, ticks queued. */
  readonly counts = { frames: 0, sends: 0, ticks: 0 };
  /**
   * Set when sockets were already open as the room loaded: they may hold ticks the room no
   * longer has, so they start over from a snapshot before any more ticks.
   */
  resyncDue = false;

  /** Ticks already in the history, waiting for the next frame. */
  private pending: Tick[] = [];
  private lastFrameAt = 0;
  /** Sockets the last frame went to: how long the next ticks may wait to share a frame. */
  private reach = 0;
  private frameTimer: unknown = null;
  private lastQuoteAt = 0;
  private quoteOwed = false;
  private quoteTimer: unknown = null;
  private cache: Partial<Record<TickerMode, { seq: number; at: number; text: string }>> = {};

  constructor(private readonly deps: FanoutDeps<C>) {}

  /**
   * Ticks the room caught up on (the simulator's, in time order). Owed a resync, or too many for
   * one frame, everyone but `except` gets a snapshot instead.
   */
  publish(ticks: readonly Tick[], except?: C): void {
    if (this.resyncDue || ticks.length > CATCH_UP_FRAME_LIMIT) this.resync(except);
    else if (ticks.length > 0) this.queue(ticks, except);
  }

  /**
   * Live ticks, to go out in the next frame: at once after a quiet spell, else a window after the
   * last frame. With `except` (a socket about to get its snapshot) they go at once.
   */
  queue(ticks: readonly Tick[], except?: C): void {
    for (const t of ticks) this.pending.push(t);
    this.counts.ticks += ticks.length;
    const now = this.deps.clock.now();
    const delay = frameDelay(now, this.lastFrameAt, frameWindow(this.reach));
    if (except || delay === 0) {
      this.flush(except);
    } else if (this.frameTimer === null) {
      this.frameTimer = this.deps.clock.setTimeout(() => this.flush(), delay);
    }
  }

  /**
   * Ticks another room already framed (a relay's feed from its ticker room): out at once, with
   * no window of their own, so a relay adds no delay.
   */
  forward(ticks: readonly Tick[]): void {
    for (const t of ticks) this.pending.push(t);
    this.counts.ticks += ticks.length;
    this.flush();
  }

  /** Sends the pending ticks as one frame to every full-mode socket but `except`. */
  flush(except?: C): void {
    this.clearFrameTimer();
    // Every connect flushes: with nothing pending, the frame is not worth working out.
    if (this.pending.length === 0) return;
    const state = this.deps.frame();
    const quote = state?.quote;
    if (!state || !quote) return;
    const text = JSON.stringify({
      type: "ticks",
      symbol: state.symbol,
      seq: state.seq,
      ticks: this.pending,
      quote,
    } satisfies TickerServerMessage);
    this.pending = [];
    const now = this.deps.clock.now();
    this.lastFrameAt = now;
    const sent = this.broadcast(this.deps.sockets("full"), text, except);
    this.reach = sent + (except ? 1 : 0);
    this.counts.frames++;
    this.counts.sends += sent;
    this.quoteOwed = true;
    this.sendQuote(except);
  }

  /** Everyone but `except` starts over from a fresh snapshot. */
  resync(except?: C): void {
    this.resyncDue = false;
    this.pending = [];
    this.broadcast(this.deps.sockets("full"), this.snapshotText("full"), except);
    this.broadcast(this.deps.sockets("quote"), this.snapshotText("quote"), except);
  }

  /** Everyone learns at once that the feed went quiet, dropped or came back. */
  status(status: UpstreamStatus): void {
    this.cache = {};
    const state = this.deps.frame();
    if (!state) return;
    const text = JSON.stringify({
      type: "status",
      symbol: state.symbol,
      status: status.status,
      stale: status.stale,
    } satisfies TickerServerMessage);
    this.broadcast(this.deps.sockets(), text);
    this.quoteOwed = true;
    this.sendQuote();
  }

  /** The snapshot as sent, serialised once per change and mode. */
  snapshotText(mode: TickerMode): string {
    const now = this.deps.clock.now();
    const seq = this.deps.frame()?.seq;
    const cached = this.cache[mode];
    if (cached && cached.seq === seq && now - cached.at < SNAPSHOT_CACHE_MS) return cached.text;
    const snapshot = this.deps.snapshot(now, mode);
    const text = JSON.stringify(snapshot);
    this.cache[mode] = { seq: snapshot.seq, at: now, text };
    return text;
  }

  /** Forgets the serialised snapshots (the room changed in a way `seq` does not show). */
  invalidate(): void {
    this.cache = {};
  }

  /** Nobody to send to: timers stop and pending ticks (already in the history) are let go. */
  stop(): void {
    this.clearFrameTimer();
    if (this.quoteTimer !== null) this.deps.clock.clearTimeout(this.quoteTimer);
    this.quoteTimer = null;
    this.pending = [];
  }

  private sendQuote(except?: C): void {
    if (!this.quoteOwed || this.quoteTimer !== null) return;
    const now = this.deps.clock.now();
    const wait = this.lastQuoteAt + LIMITS.quoteIntervalMs - now;
    if (wait > 0) {
      this.quoteTimer = this.deps.clock.setTimeout(() => {
        this.quoteTimer = null;
        this.sendQuote();
      }, wait);
      return;
    }
    const state = this.deps.frame();
    const quote = state?.quote;
    if (!state || !quote) return;
    this.quoteOwed = false;
    this.lastQuoteAt = now;
    const text = JSON.stringify({
      type: "quote",
      symbol: state.symbol,
      seq: state.seq,
      quote,
      ...(state.status === undefined ? {} : { status: state.status }),
    } satisfies TickerServerMessage);
    this.broadcast(this.deps.sockets("quote"), text, except);
  }

  private clearFrameTimer(): void {
    if (this.frameTimer !== null) this.deps.clock.clearTimeout(this.frameTimer);
    this.frameTimer = null;
  }

  /** Sends one serialised frame to each socket but `except`; returns how many it went to. */
  private broadcast(sockets: Iterable<C>, text: string, except?: C): number {
    let sent = 0;
    for (const socket of sockets) {
      if (socket === except) continue;
      try {
        socket.send(text);
        sent++;
      } catch {
        // A socket that is closing is not an error of the room; its close handler does the rest.
      }
    }
    return sent;
  }
}
