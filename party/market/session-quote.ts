/**
 * A quote's session figures as Yahoo Finance shows them: the market state, the previous regular
 * session's close that the day's change is measured from, the extended-hours move apart from
 * the day's change, and the 52-week range. Pure functions over a price lookup, with adapters for
 * simulated rooms (the simulator's own prices) and for rooms that only have candles.
 *
 * For a US stock on the NYSE calendar:
 *  - the quote belongs to the session of `sessionDay`: from its pre-market to the next session's
 *    pre-market, so Saturday and Monday at 3:00 are still Friday's;
 *  - `prevClose` is the close of the regular session before that one;
 *  - the day's change is the last regular-session price against `prevClose` (none before the
 *    open, when that price is `prevClose` itself);
 *  - the extended move is the last pre-market trade against `prevClose`, or, from the close on,
 *    the last after-hours trade against the session's regular close.
 * Crypto, and a stock simulated around the clock, is `"continuous"`: its session is the UTC day,
 * `prevClose` the last price before UTC midnight, and it has no extended move.
 */
import { type Candle, findCandle, type Tick } from "../protocol/index.ts";
import { roundSignificant } from "./quote.ts";
import {
  DAY_MS,
  type MarketState,
  marketState,
  newYorkDay,
  previousRegularClose,
  regularSession,
  sessionDay,
} from "./sessions/index.ts";
import type { Simulator } from "./simulator.ts";

export type PriceMove = { price: number; time: number; change: number; changePct: number };

export type SessionQuote = {
  session: MarketState;
  /** The day number of the session: New York's date for a stock, the UTC date otherwise. */
  day: number;
  /** The last trade, in any session. */
  price: number;
  time: number;
  prevClose: number;
  /** The last regular-session price: `prevClose` until the session opens. */
  regularPrice: number;
  /** The day's change: `regularPrice` against `prevClose`. */
  change: number;
  changePct: number;
  /** The session's regular close, once it has closed. */
  regularClose: number | null;
  /** The pre-market or after-hours move, apart from the day's change. */
  extended: PriceMove | null;
};

/** The last trade at or before an instant, or null when there is none to know of. */
export type LastTradeAt = (time: number) => Tick | null;

/**
 * The session quote at `now` of a symbol that follows the NYSE calendar (`calendar`) or trades
 * around the clock; null when there is no trade to quote. `firstPrice` stands in for a previous
 * close that `lastAt` cannot find (the first price of a room without older history).
 */
export function sessionQuote(
  calendar: boolean,
  now: number,
  lastAt: LastTradeAt,
  firstPrice?: number,
): SessionQuote | null {
  const last = lastAt(now);
  if (!last || !Number.isFinite(now)) return null;
  const [time, price] = last;
  // Without the close to measure from, the earliest price known stands in for it.
  const earliest = firstPrice ?? price;
  if (!calendar) {
    const day = Math.floor(now / DAY_MS);
    const prevClose = lastAt(day * DAY_MS - 1)?.[1] ?? earliest;
    return {
      session: "continuous",
      day,
      price,
      time,
      prevClose,
      regularPrice: price,
      ...move(price, prevClose),
      regularClose: null,
      extended: null,
    };
  }
  const day = sessionDay("stock", now);
  const hours = regularSession(day);
  if (!hours) return null;
  const prevClose = lastAt(previousRegularClose(hours.open) - 1)?.[1] ?? earliest;
  const regular = now >= hours.open ? lastAt(Math.min(now, hours.close - 1)) : null;
  const regularPrice = regular && regular[0] >= hours.open ? regular[1] : prevClose;
  const regularClose = now >= hours.close ? regularPrice : null;
  let extended: PriceMove | null = null;
  if (time >= hours.preOpen && time < hours.open) {
    extended = { price, time, ...move(price, prevClose) };
  } else if (regularClose !== null && time >= hours.close) {
    extended = { price, time, ...move(price, regularClose) };
  }
  return {
    session: marketState("stock", now),
    day,
    price,
    time,
    prevClose,
    regularPrice,
    ...move(regularPrice, prevClose),
    regularClose,
    extended,
  };
}

/** The session quote of a simulated room: exact, from the simulator's own trades. */
export function simulatedSessionQuote(sim: Simulator, now: number): SessionQuote | null {
  return sessionQuote(sim.calendar, now, (time) => {
    const tick = sim.lastTickAt(time);
    // Before the first session the simulator answers a placeholder of size 0.
    return tick[2] > 0 ? tick : null;
  });
}

/**
 * The session quote of a room that has one-minute candles (oldest first) and its last tick.
 * Closes older than the candles reach are read from `daily` bars (stamped at their date's UTC
 * midnight, as `simulatedBars` and the exchanges' daily candles are) when given.
 */
export function sessionQuoteFromCandles(
  calendar: boolean,
  now: number,
  candles: readonly Candle[],
  last: Tick | undefined,
  daily: readonly Candle[] = [],
): SessionQuote | null {
  const lastAt = (time: number): Tick | null => {
    if (last && last[0] <= time) return last;
    const c = lastCandleBefore(candles, time);
    if (c) return [c[0], c[4], c[5]];
    // A close before the candles: the daily bar of that date, for the close it was asked at.
    const day = calendar ? newYorkDay(time) : Math.floor(time / DAY_MS);
    const bar = daily.find((d) => d[0] === day * DAY_MS);
    return bar ? [time, bar[4], bar[5]] : null;
  };
  return sessionQuote(calendar, now, lastAt, candles[0]?.[1]);
}

/**
 * The 52-week high and low from daily bars (oldest first, stamped at their date's UTC midnight)
 * and the live session's, which the bars may not hold yet; null without either.
 */
export function fiftyTwoWeekRange(
  daily: readonly Candle[],
  now: number,
  live?: PriceRange | null,
): PriceRange | null {
  const from = (Math.floor(now / DAY_MS) - 364) * DAY_MS;
  let high = live ? live.high : Number.NEGATIVE_INFINITY;
  let low = live ? live.low : Number.POSITIVE_INFINITY;
  for (const c of daily) {
    if (c[0] < from || c[0] > now) continue;
    if (c[2] > high) high = c[2];
    if (c[3] < low) low = c[3];
  }
  return Number.isFinite(high) && Number.isFinite(low) ? { high, low } : null;
}

/** A session's figures in a quote: its opening print, its range and its volume. */
export type DayFigures = { open: number; high: number; low: number; volume: number };

/**
 * A stock's day figures as Yahoo shows them: those of its latest regular session to have opened
 * (in the pre-market, still the session before's), from one-minute candles, oldest first, as a
 * room holds them. Null when the candles do not reach back to that session's open, or it had
 * no trade.
 */
export function regularDayFigures(candles: readonly Candle[], now: number): DayFigures | null {
  let hours = regularSession(sessionDay("stock", now));
  if (hours && now < hours.open) hours = regularSession(newYorkDay(previousRegularClose(now)));
  const first = candles[0];
  if (!hours || !first || first[0] > hours.open) return null;
  // The session's first candle, or where it would be: the open is a whole minute.
  const at = findCandle(candles, hours.open);
  let figures: DayFigures | null = null;
  for (let i = at < 0 ? ~at : at; i < candles.length; i++) {
    const c = candles[i] as Candle;
    if (c[0] >= hours.close) break;
    if (figures === null) figures = { open: c[1], high: c[2], low: c[3], volume: c[5] };
    else {
      if (c[2] > figures.high) figures.high = c[2];
      if (c[3] < figures.low) figures.low = c[3];
      figures.volume += c[5];
    }
  }
  return figures;
}

/** A high and a low. */
export type PriceRange = { high: number; low: number };

/**
 * The 52-week high and low of the sessions before the one `now` belongs to (New York's date for
 * a stock on the calendar, the UTC date otherwise), from daily bars stamped as
 * `fiftyTwoWeekRange` takes them; null without a bar. The live session's own high and low are
 * for its quote to add, so that this changes once a session.
 */
export function priorYearRange(
  calendar: boolean,
  daily: readonly Candle[],
  now: number,
): PriceRange | null {
  const current = sessionDay(calendar ? "stock" : "crypto", now) * DAY_MS;
  return fiftyTwoWeekRange(
    daily.filter((c) => c[0] < current),
    now,
  );
}

/** The last candle whose whole minute is at or before `time`, so that its close is a trade then. */
function lastCandleBefore(candles: readonly Candle[], time: number): Candle | null {
  for (let i = candles.length - 1; i >= 0; i--) {
    const c = candles[i] as Candle;
    if (c[0] + 60_000 <= time + 1) return c;
  }
  return null;
}

function move(price: number, reference: number): { change: number; changePct: number } {
  const change = price - reference;
  return {
    change: roundSignificant(change),
    changePct: reference > 0 ? Math.round((change / reference) * 1e6) / 1e4 : 0,
  };
}
