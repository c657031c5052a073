/**
 * What the app knows about one ticker room, and how each server frame changes it. Pure: the
 * store applies these functions, the tests call them directly.
 */
import {
  CANDLE_MS,
  type Candle,
  type ErrorCode,
  LIMITS,
  type Quote,
  type Snapshot,
  type Source,
  type Tick,
  type TickerServerMessage,
} from "../../party/protocol/index.ts";
import { foldTicks, TICK_WINDOW, trimCandles } from "./timeframes.ts";

/**
 * Ticks kept for the tick chart (which draws at most twice its window of them, see
 * chart-sync.ts); older ones are dropped in batches. Every frame of ticks copies them, so they
 * are no more than it needs.
 */
export const MAX_TICKS = 3 * TICK_WINDOW;

export type TickerState = {
  symbol: string;
  /** `loading` until the first snapshot; `error` when the server refused the room. */
  phase: "loading" | "ready" | "error";
  /** Why the room was refused, in the server's words. */
  error: string | null;
  /** Null before the first snapshot. */
  source: Source | null;
  /** The room's word on its feed (a refused key, a reconnecting upstream), if any. */
  feedStatus: string | null;
  /** Number of the newest tick held; -1 before the first snapshot. */
  seq: number;
  quote: Quote | null;
  /** One-minute candles, oldest first, kept current with live ticks. */
  candles: readonly Candle[];
  /** The most recent ticks, oldest first. */
  ticks: readonly Tick[];
  /** Quote mode: a close per 15 minutes of the last day, for sparklines; empty otherwise. */
  spark: readonly number[];
  /** Ticks appended since the last snapshot: readers that keep a copy take the difference. */
  appended: number;
  /** Grows with every snapshot: readers that keep a copy start over when it changes. */
  epoch: number;
  /** Decimals that show every price of this room; fixed per room so that digits stay put. */
  decimals: number;
  /** A tick frame skipped numbers; the next snapshot settles it. */
  gap: boolean;
  /** A `resync` was asked for since the gap: no second one until a snapshot answers. */
  resyncing: boolean;
  /** The last `error` frame, for diagnostics; the connection stays open after one. */
  lastError: { code: ErrorCode; message: string } | null;
};

export function initialTickerState(symbol: string): TickerState {
  return {
    symbol,
    phase: "loading",
    error: null,
    source: null,
    feedStatus: null,
    seq: -1,
    quote: null,
    candles: [],
    ticks: [],
    spark: [],
    appended: 0,
    epoch: 0,
    decimals: 2,
    gap: false,
    resyncing: false,
    lastError: null,
  };
}

/** Applies one frame. Returns the same object when the frame changes nothing. */
export function applyFrame(state: TickerState, frame: TickerServerMessage): TickerState {
  switch (frame.type) {
    case "snapshot": {
      const ticks = snapshotTicks(state, frame);
      return {
        ...state,
        phase: "ready",
        error: null,
        source: frame.source,
        feedStatus: frame.status ?? null,
        seq: frame.seq,
        quote: frame.quote,
        candles: frame.candles,
        ticks,
        spark: Array.isArray(frame.spark) ? frame.spark : [],
        appended: 0,
        epoch: state.epoch + 1,
        decimals: decimalsFor(ticks, frame.quote, 0),
        gap: false,
        resyncing: false,
      };
    }
    case "ticks": {
      // Before the first snapshot there is nothing to append to, and a frame at or below the
      // held number carries nothing new (a late frame from before a snapshot).
      if (state.seq < 0 || frame.seq <= state.seq) return state;
      const first = frame.seq - frame.ticks.length + 1;
      const fresh = first <= state.seq ? frame.ticks.slice(state.seq - first + 1) : frame.ticks;
      let ticks = state.ticks.concat(fresh);
      if (ticks.length > MAX_TICKS + MAX_TICKS / 4) ticks = ticks.slice(-MAX_TICKS);
      return {
        ...state,
        seq: frame.seq,
        quote: frame.quote,
        candles: trimCandles(foldTicks(state.candles, fresh, CANDLE_MS), LIMITS.historyMs),
        ticks,
        appended: state.appended + fresh.length,
        decimals: decimalsFor(fresh, frame.quote, state.decimals),
        gap: state.gap || first > state.seq + 1,
      };
    }
    case "quote": {
      if (state.seq < 0 || frame.seq < state.seq) return state;
      return {
        ...state,
        seq: frame.seq,
        quote: frame.quote,
        feedStatus: frame.status ?? state.feedStatus,
        decimals: decimalsFor([], frame.quote, state.decimals),
      };
    }
    case "status": {
      // The feed went quiet, dropped or came back: the price on screen says how fresh it is.
      const quote = state.quote ? withStale(state.quote, frame.stale) : null;
      return { ...state, feedStatus: frame.status, quote };
    }
    case "error":
      return { ...state, lastError: { code: frame.code, message: frame.message } };
    default:
      return state;
  }
}

/**
 * The ticks to hold after a snapshot. A snapshot that answers a `resync` comes from the same
 * source and carries only the last few hundred ticks: the older ticks already held stay in
 * front of it, so the tick line keeps its history and does not jump. Any other snapshot (a
 * source switch, a new connection) replaces everything.
 */
function snapshotTicks(state: TickerState, frame: Snapshot): readonly Tick[] {
  const first = frame.ticks[0];
  let ticks: readonly Tick[] = frame.ticks;
  if (state.resyncing && state.source === frame.source && first !== undefined) {
    let keep = 0;
    while (keep < state.ticks.length && (state.ticks[keep] as Tick)[0] < first[0]) keep++;
    if (keep > 0) ticks = state.ticks.slice(0, keep).concat(frame.ticks);
  }
  return ticks.length > MAX_TICKS ? ticks.slice(-MAX_TICKS) : ticks;
}

/** The state saw a gap and has not asked for a fresh snapshot yet: send one `resync`. */
export function needsResync(state: TickerState): boolean {
  return state.gap && !state.resyncing;
}

/** A `resync` is on its way (or a reconnect is, which brings a snapshot too). */
export function markResyncing(state: TickerState): TickerState {
  return state.resyncing ? state : { ...state, resyncing: true };
}

function withStale(quote: Quote, stale: boolean): Quote {
  if (stale) return quote.stale ? quote : { ...quote, stale: true };
  if (!quote.stale) return quote;
  const { stale: _, ...fresh } = quote;
  return fresh;
}

/** The room was refused (HTTP 4xx): nothing more will come on this socket. */
export function refuse(state: TickerState, message: string): TickerState {
  return { ...state, phase: "error", error: message };
}

/**
 * Decimals that show every price seen so far: at least 2, at least 4 under one unit (a coin
 * at 0.55 needs them), at most 8.
 */
export function decimalsFor(ticks: readonly Tick[], quote: Quote | null, atLeast: number): number {
  const reference = quote?.price ?? ticks[ticks.length - 1]?.[1];
  let decimals = Math.max(atLeast, reference !== undefined && reference < 1 ? 4 : 2);
  for (const tick of ticks) {
    if (decimals >= 8) break;
    if (!fitsDecimals(tick[1], decimals)) decimals = Math.max(decimals, decimalPlaces(tick[1]));
  }
  if (quote) decimals = Math.max(decimals, decimalPlaces(quote.price));
  return Math.min(decimals, 8);
}

/**
 * Whether `value` prints with at most `decimals` decimals: arithmetic only, where printing it
 * costs a string per price, thousands of them in a snapshot. A value that rounds back to itself
 * is the double nearest a number of that many decimals, which is how it prints.
 */
function fitsDecimals(value: number, decimals: number): boolean {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale === value;
}

function decimalPlaces(value: number): number {
  if (Number.isInteger(value)) return 0;
  const text = String(value);
  const exp = text.indexOf("e-");
  if (exp >= 0)
    return Number(text.slice(exp + 2)) + (text.split(".")[1]?.split("e")[0]?.length ?? 0);
  return text.length - text.indexOf(".") - 1;
}
