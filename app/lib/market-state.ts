/**
 * The market's state as a quote page shows it: the session's name, and the move outside the
 * regular session, which Yahoo and Google Finance show apart from the day's change. Quotes
 * carry these fields only when the room knows them, so every reader here accepts their absence.
 */
import type { MarketSession, Quote } from "../../party/protocol/index.ts";

/** Names of the market states; crypto's round-the-clock session is just "24/7". */
export const SESSION_LABEL: Record<MarketSession, string> = {
  pre: "Pre-market",
  regular: "Open",
  post: "After hours",
  closed: "Closed",
  continuous: "24/7",
};

/** The quote's session, or null when the room does not say (or says something unknown). */
export function sessionOf(quote: Quote | null): MarketSession | null {
  const session = quote?.session;
  return session !== undefined && Object.hasOwn(SESSION_LABEL, session) ? session : null;
}

/** A finite number, or null: optional figures may be absent, or not numbers at all. */
export function figure(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

export type ExtendedHours = {
  /** "Pre-market" or "After hours": when the last trade happened. */
  label: string;
  /** The last regular session's close. */
  close: number;
  /**
   * That session's change against `prevClose`; null before the open, when the close is the
   * previous close itself and the quote has no older one to measure it from.
   */
  closeChange: number | null;
  /** The last price's move since that close. */
  change: number;
};

/**
 * The two figures of a stock outside its regular session: "At close" (the regular close and
 * that session's change against `prevClose`) and the extended-hours move from it. Null in the
 * regular session, for crypto, without a `regularClose`, or for a closed market whose last
 * trade was the close itself.
 */
export function extendedHours(quote: Quote | null): ExtendedHours | null {
  const session = sessionOf(quote);
  const close = figure(quote?.regularClose);
  if (!quote || !close || close < 0 || !session || session === "regular") return null;
  const change = quote.price - close;
  if (session === "continuous" || (session === "closed" && change === 0)) return null;
  return {
    label: SESSION_LABEL[session === "pre" ? "pre" : "post"],
    close,
    closeChange: close === quote.prevClose ? null : close - quote.prevClose,
    change,
  };
}

/** A change as a percentage of what it changed from; 0 from nothing. */
export function percentOf(change: number, from: number): number {
  return from > 0 ? (change / from) * 100 : 0;
}

/** Where `price` sits between `low` and `high`, from 0 to 100; the middle for a flat range. */
export function rangePosition(price: number, low: number, high: number): number {
  if (!(high > low)) return 50;
  return Math.min(100, Math.max(0, ((price - low) / (high - low)) * 100));
}
