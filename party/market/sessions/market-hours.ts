/**
 * Trading hours: the market state at an instant, and the session boundaries around it.
 *
 * US stocks trade on the NYSE calendar in New York time: pre-market from 4:00, the regular
 * session 9:30 to 16:00, after-hours to 20:00. On an early-close day the regular session ends at
 * 13:00 and after-hours at 17:00, as NYSE Arca's late session does. Nights, weekends and holidays
 * are closed. Crypto trades around the clock and its session is the UTC day, which is how the
 * exchanges' own daily candles and 24-hour figures are cut.
 *
 * Every function is pure and total: any number in, an answer out (NaN for a non-finite time where
 * the answer is an instant or a day).
 */
import { DAY_MS } from "./calendar-day.ts";
import { HOUR_MS, MINUTE_MS, newYorkDay, newYorkInstant, newYorkOffset } from "./new-york-time.ts";
import { nyseDayKind } from "./nyse-calendar.ts";
import type { SymbolKind } from "./symbol-kind.ts";

/** Quotes carry this as `session`: the four stock states, or `"continuous"` for crypto. */
export type MarketState = "pre" | "regular" | "post" | "closed" | "continuous";

/** One trading day of a stock, as instants (epoch ms). */
export type TradingHours = {
  /** The day number of New York's date. */
  day: number;
  /** Pre-market opens, 4:00 ET. */
  preOpen: number;
  /** The regular session opens, 9:30 ET. */
  open: number;
  /** The regular session closes, 16:00 ET, or 13:00 ET on an early-close day. */
  close: number;
  /** After-hours ends, 20:00 ET, or 17:00 ET on an early-close day. */
  postClose: number;
  earlyClose: boolean;
};

// Wall-clock times in New York, as ms since local midnight. The daylight-saving switches
// happen at 2:00 on Sundays, so no session ever spans one and wall time orders like real time.
const PRE_OPEN = 4 * HOUR_MS;
const OPEN = 9 * HOUR_MS + 30 * MINUTE_MS;
const CLOSE = 16 * HOUR_MS;
const POST_CLOSE = 20 * HOUR_MS;
const EARLY_CLOSE = 13 * HOUR_MS;
const EARLY_POST_CLOSE = 17 * HOUR_MS;

/**
 * How many days to look through for a session. At most three days in a row have none (a holiday
 * beside a weekend); the margin is for closures beyond anything scheduled.
 */
const SEARCH_DAYS = 14;

/** Local close time of `day`'s regular session, or 0 when the day has none. */
function localClose(day: number): number {
  const kind = nyseDayKind(day);
  return kind === "full" ? CLOSE : kind === "early" ? EARLY_CLOSE : 0;
}

const localPostClose = (close: number) => (close === EARLY_CLOSE ? EARLY_POST_CLOSE : POST_CLOSE);

/** The market state of a symbol of `kind` at `time`. */
export function marketState(kind: SymbolKind, time: number): MarketState {
  if (kind === "crypto") return "continuous";
  if (!Number.isFinite(time)) return "closed";
  // Called once per tick: wall-clock arithmetic only, no allocation.
  const local = time + newYorkOffset(time);
  const day = Math.floor(local / DAY_MS);
  const msOfDay = local - day * DAY_MS;
  const close = localClose(day);
  if (close === 0 || msOfDay < PRE_OPEN) return "closed";
  if (msOfDay < OPEN) return "pre";
  if (msOfDay < close) return "regular";
  if (msOfDay < localPostClose(close)) return "post";
  return "closed";
}

/** Whether `time` is in pre-market or after-hours, the part of a stock chart to shade. */
export function isExtendedHours(kind: SymbolKind, time: number): boolean {
  const state = marketState(kind, time);
  return state === "pre" || state === "post";
}

/**
 * The hours of the NYSE session on `day` (a day number of New York's calendar), or null on a
 * weekend or holiday.
 */
export function regularSession(day: number): TradingHours | null {
  const close = localClose(day);
  if (close === 0) return null;
  return {
    day,
    preOpen: newYorkInstant(day, PRE_OPEN),
    open: newYorkInstant(day, OPEN),
    close: newYorkInstant(day, close),
    postClose: newYorkInstant(day, localPostClose(close)),
    earlyClose: close === EARLY_CLOSE,
  };
}

/**
 * The close of the last regular session that ended at or before `time`. During a session's
 * after-hours that is the same day's close; for the close a session's day change is measured
 * from, ask at the session's open: `previousRegularClose(regularSession(day).open)`.
 */
export function previousRegularClose(time: number): number {
  if (!Number.isFinite(time)) return Number.NaN;
  let day = newYorkDay(time);
  for (let i = 0; i < SEARCH_DAYS; i++, day--) {
    const close = localClose(day);
    if (close === 0) continue;
    const instant = newYorkInstant(day, close);
    if (instant <= time) return instant;
  }
  return Number.NaN;
}

/** The first regular-session open strictly after `time`. */
export function nextOpen(time: number): number {
  if (!Number.isFinite(time)) return Number.NaN;
  let day = newYorkDay(time);
  for (let i = 0; i < SEARCH_DAYS; i++, day++) {
    if (localClose(day) === 0) continue;
    const instant = newYorkInstant(day, OPEN);
    if (instant > time) return instant;
  }
  return Number.NaN;
}

/**
 * The trading day `time` belongs to, as a day number: what VWAP resets on and the day's change
 * is counted over. For crypto, the UTC date. For stocks, New York's date of the session whose
 * pre-market opened last at or before `time`: a session owns its pre-market and after-hours, and
 * a closed market still belongs to the session before it, so Saturday, or Monday at 3:00, is
 * Friday's day and shows Friday's session.
 */
export function sessionDay(kind: SymbolKind, time: number): number {
  if (!Number.isFinite(time)) return Number.NaN;
  if (kind === "crypto") return Math.floor(time / DAY_MS);
  let day = newYorkDay(time);
  for (let i = 0; i < SEARCH_DAYS; i++, day--) {
    if (localClose(day) !== 0 && newYorkInstant(day, PRE_OPEN) <= time) return day;
  }
  return Number.NaN;
}
