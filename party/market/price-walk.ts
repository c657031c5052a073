/**
 * What the simulator's two walks share: the epoch, the kinds of minute, and the interface the
 * tick layer reads levels through. The around-the-clock walk lives in `simulator.ts`, the NYSE
 * calendar's in `session-walk.ts`.
 */
import { dayNumber } from "./sessions/index.ts";

/** Day 0 of every walk: the instant its start level holds. */
export const SIM_EPOCH = Date.UTC(2024, 0, 1);
/** The first day (a day number) of the walks' history; before it, prices are flat and stocks closed. */
export const SIM_FIRST_DAY = dayNumber(2014, 1, 1);

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
