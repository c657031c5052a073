/**
 * A ticker room as loaded, and what its frames say: the quote, the feed's word, the snapshot,
 * and the `meta` it is stored under. Quote-mode snapshots (watchlist rows, tiles) carry the
 * last hour of candles, the last few ticks and a day's sparkline instead of the whole day,
 * which keeps a 50-row watchlist from loading megabytes.
 */
import { History, sparkline } from "../../market/history.ts";
import {
  PROTOCOL_VERSION,
  type Quote,
  type Snapshot,
  type TickerMode,
} from "../../protocol/index.ts";
import type { FrameState } from "./fanout.ts";
import type { PriceSource } from "./sources.ts";
import type { Meta } from "./storage-plan.ts";

/** Replaced whole on a source switch or a push, so that a failed write can put it back. */
export type Room = {
  symbol: string;
  history: History;
  source: PriceSource;
  lastPushed: number | null;
};

const QUOTE_MODE_CANDLES = 60;
const QUOTE_MODE_TICKS = 20;

/** What a room keeps when it starts over: its symbol, its counter, its last pushed time. */
export type RoomStart = { symbol: string; seq: number; lastPushed: number | null };

/**
 * A room starting over on `source` (a new room, a `FEEDS` change, a first push): a room never
 * mixes sources, so the history is the new source's backfill (the simulated day, or nothing)
 * while the counter carries on from `seq`.
 */
export function roomOn(source: PriceSource, from: RoomStart, now: number): Room {
  const history = new History([], [], from.seq);
  const day = source.backfill(now);
  if (day) history.reset(day.candles, day.tail, from.seq + day.count);
  return { symbol: from.symbol, history, source, lastPushed: from.lastPushed };
}

/** The session quote, marked stale while the room's feed is quiet or down. */
export function roomQuote(room: Room): Quote | null {
  const quote = room.history.quote(room.source.volumeDecimals);
  return quote && room.source.feedStatus()?.stale ? { ...quote, stale: true } : quote;
}

/**
 * What the frames say now. `status` is the feed's word, or else `settingError`: a `FEEDS`
 * setting that could not be read.
 */
export function roomFrame(room: Room, settingError?: string): FrameState {
  return {
    symbol: room.symbol,
    seq: room.history.seq,
    quote: roomQuote(room),
    status: room.source.feedStatus()?.status ?? settingError,
  };
}

export function roomSnapshot(
  room: Room,
  now: number,
  mode: TickerMode,
  settingError?: string,
): Snapshot {
  const { history } = room;
  const { quote, status } = roomFrame(room, settingError);
  const full = mode === "full";
  return {
    type: "snapshot",
    v: PROTOCOL_VERSION,
    symbol: room.symbol,
    source: room.source.name,
    seq: history.seq,
    serverTime: now,
    quote,
    candles: full ? history.candles : history.candles.slice(-QUOTE_MODE_CANDLES),
    ticks: full ? history.recentTicks() : history.tail.slice(-QUOTE_MODE_TICKS),
    ...(status === undefined ? {} : { status }),
    ...(full ? {} : { spark: sparkline(history.candles) }),
  };
}

export function roomMeta(room: Room): Meta {
  return {
    symbol: room.symbol,
    source: room.source.name,
    seq: room.history.seq,
    cursor: room.source.cursor,
    lastPushed: room.lastPushed,
  };
}
