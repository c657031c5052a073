/**
 * A ticker room as loaded, and what its frames say: the quote, the feed's word, the snapshot,
 * and the `meta` it is stored under. Quote-mode snapshots (watchlist rows, tiles) carry the
 * last hour of candles, the last few ticks and a day's sparkline instead of the whole day,
 * which keeps a 50-row watchlist from loading megabytes.
 */
import { History, sparkline } from "../../market/history.ts";
import {
  type PriceRange,
  regularDayFigures,
  type SessionQuote,
} from "../../market/session-quote.ts";
import { marketState, symbolKind } from "../../market/sessions/index.ts";
import { round } from "../../market/simulator.ts";
import {
  PROTOCOL_VERSION,
  type Quote,
  type Snapshot,
  type Source,
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

/**
 * A room on a derived source (the simulator) as it stands at `now`, from the `meta` stored when
 * it started: the day as the source makes it, and the counter moved on by every tick since.
 */
export function roomResumed(source: PriceSource, meta: Meta, now: number): Room {
  if (!source.resume) throw new Error(`the ${source.name} source keeps its history in storage`);
  const day = source.resume(meta.cursor, now);
  const history = new History([], [], meta.seq);
  history.reset(day.candles, day.tail, meta.seq + day.count);
  // As a room that ran all along keeps it: the 24 hours ending with its newest candle.
  history.trim();
  return { symbol: meta.symbol, history, source, lastPushed: meta.lastPushed };
}

/**
 * The session quote, with the 52-week range where the source has daily history, marked stale
 * while the room's feed is quiet or down.
 */
export function roomQuote(room: Room, now: number): Quote | null {
  const quote = room.history.quote(room.source.volumeDecimals);
  if (!quote) return null;
  const session = room.source.sessionQuote?.(now) ?? null;
  const withSession = session
    ? onSession(quote, session, room, now)
    : { ...quote, session: marketState(symbolKind(room.symbol), now) };
  const withYear = onYear(withSession, room.source.priorYearRange?.(now) ?? null);
  return room.source.feedStatus()?.stale ? { ...withYear, stale: true } : withYear;
}

/**
 * The 52-week range: the sessions' before this one, widened by the day range the quote shows,
 * so that the year's range always holds the day's. Left out without the earlier sessions.
 */
export function onYear(quote: Quote, prior: PriceRange | null): Quote {
  if (prior === null) return quote;
  return {
    ...quote,
    high52: Math.max(prior.high, quote.high),
    low52: Math.min(prior.low, quote.low),
  };
}

/**
 * A quote measured against its trading session: the day's change from the previous regular
 * close (not from the last price before UTC midnight), the market's state, the regular close
 * that an extended-hours move is measured from, and for a stock the open, range and volume of
 * its regular session (not of the UTC day, which in winter starts at 19:00 in New York).
 */
function onSession(quote: Quote, session: SessionQuote, room: Room, now: number): Quote {
  const prevClose = session.prevClose;
  const change = quote.price - prevClose;
  const regularClose = session.session === "pre" ? prevClose : (session.regularClose ?? undefined);
  const day =
    session.session === "continuous" ? null : regularDayFigures(room.history.candles, now);
  return {
    ...quote,
    ...(day && { ...day, volume: round(day.volume, room.source.volumeDecimals) }),
    prevClose,
    // Rounded well below a price's decimals: keeps the value, drops the subtraction's noise.
    change: Number(change.toFixed(10)),
    changePct: prevClose > 0 ? Math.round((change / prevClose) * 1e6) / 1e4 : 0,
    session: session.session,
    ...(regularClose === undefined || session.session === "regular" ? {} : { regularClose }),
  };
}

/**
 * What the frames say now. `status` is the feed's word, or else `settingError`: a `FEEDS`
 * setting that could not be read.
 */
export function roomFrame(room: Room, now: number, settingError?: string): FrameState {
  return {
    symbol: room.symbol,
    seq: room.history.seq,
    quote: roomQuote(room, now),
    status: room.source.feedStatus()?.status ?? settingError,
  };
}

export function roomSnapshot(
  room: Room,
  now: number,
  mode: TickerMode,
  settingError?: string,
): Snapshot {
  const { quote, status } = roomFrame(room, now, settingError);
  return snapshotOf(
    { symbol: room.symbol, source: room.source.name, history: room.history, quote, status },
    now,
    mode,
  );
}

/** What a snapshot is made of: a ticker room's, or a relay's copy of it. */
export type SnapshotView = {
  symbol: string;
  source: Source;
  history: History;
  quote: Quote | null;
  status: string | undefined;
};

export function snapshotOf(view: SnapshotView, now: number, mode: TickerMode): Snapshot {
  const { history, quote, status } = view;
  const full = mode === "full";
  return {
    type: "snapshot",
    v: PROTOCOL_VERSION,
    symbol: view.symbol,
    source: view.source,
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
