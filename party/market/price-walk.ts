/**
 * What the simulator's two walks share: the epoch, the kinds of minute, the pull back to the
 * start level, the numbers of the random streams, and the interface the tick layer reads levels
 * through. The around-the-clock walk lives in `clock-walk.ts`, the NYSE calendar's in
 * `session-walk.ts`.
 */
import { dayNumber } from "./sessions/index.ts";

/** Day 0 of every walk: the instant its start level holds. */
export const SIM_EPOCH = Date.UTC(2024, 0, 1);
/** The first day (a day number) of the walks' history; before it, prices are flat and stocks closed. */
export const SIM_FIRST_DAY = dayNumber(2014, 1, 1);

export const MINUTES_PER_DAY = 1440;

/** Pull of a daily walk back to its start level, per day. */
export const REVERSION = 0.004;

/**
 * The random streams of one symbol, numbered once so that no two draw the same numbers: the
 * parameters, the around-the-clock walk's days and minutes, the session walk's knots and
 * minutes, and the ticks' counts, offsets and sizes.
 */
export const STREAM = {
  day: 1,
  minute: 2,
  tick: 3,
  count: 4,
  offset: 5,
  size: 6,
  param: 7,
  knot: 8,
  sessionMinute: 9,
} as const;

/** What a minute of trading is like; constant over every whole minute. */
export const MINUTE_KIND = { closed: 0, extended: 1, regular: 2 } as const;
export type MinuteKind = (typeof MINUTE_KIND)[keyof typeof MINUTE_KIND];

/** Log price levels at minute boundaries, and when and how a symbol trades. */
export interface PriceWalk {
  /** Whether a minute's last tick lands exactly on the next minute's level. */
  readonly pinsCloses: boolean;
  minuteKind(start: number): MinuteKind;
  /** The log price at a minute boundary. */
  level(time: number): number;
  /** Std dev of the log return of one minute of this kind. */
  minuteSigma(kind: MinuteKind): number;
  /** Relative trade size in the minute starting at `start`. */
  sizeFactor(start: number, kind: MinuteKind): number;
  /** Whether `start` is a regular session's open, whose first trade is at the opening level. */
  opensSession(start: number): boolean;
  /** The first minute at or after `start` that is not closed, or +Infinity past `limit`. */
  nextOpenMinute(start: number, limit: number): number;
  /** The last minute at or before `start` that is not closed, or -Infinity before `limit`. */
  prevOpenMinute(start: number, limit: number): number;
}
