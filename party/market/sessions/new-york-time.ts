/**
 * America/New_York wall-clock time from epoch milliseconds and back, by the US daylight-saving
 * rules alone. No time-zone library and no `Intl`: the Workers runtime, Node and browsers would
 * otherwise each answer from their own tz database, and the machine's `TZ` must never matter.
 *
 * The rules are those of the Energy Policy Act of 2005, in force since 2007: daylight time
 * (UTC−4) from the second Sunday of March at 2:00 standard time to the first Sunday of November
 * at 2:00 daylight time, standard time (UTC−5) otherwise. They are applied to every year; the
 * simulator's history starts in 2024, well after the last change.
 */
import { calendarDate, DAY_MS, dayNumber, weekday } from "./calendar-day.ts";

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
/** UTC offsets of Eastern Standard and Eastern Daylight Time. */
export const EST_OFFSET_MS = -5 * HOUR_MS;
export const EDT_OFFSET_MS = -4 * HOUR_MS;

/** The instants daylight time starts and ends in a year: it holds for start ≤ t < end. */
export type DstPeriod = { start: number; end: number };

export function dstPeriod(year: number): DstPeriod {
  const secondSundayOfMarch = sundayOnOrAfter(dayNumber(year, 3, 8));
  const firstSundayOfNovember = sundayOnOrAfter(dayNumber(year, 11, 1));
  return {
    // 2:00 EST is 7:00 UTC, and 2:00 EDT is 6:00 UTC.
    start: secondSundayOfMarch * DAY_MS + 2 * HOUR_MS - EST_OFFSET_MS,
    end: firstSundayOfNovember * DAY_MS + 2 * HOUR_MS - EDT_OFFSET_MS,
  };
}

// Almost every call asks about the same year as the one before.
let cachedYear = Number.NaN;
let cachedPeriod: DstPeriod = { start: Number.NaN, end: Number.NaN };

/** New York's UTC offset at an instant, in ms: −5 h or −4 h. */
export function newYorkOffset(time: number): number {
  // New York's year and the UTC year differ only in the hours around New Year's Day, deep in
  // standard time, so the UTC year picks the right daylight period.
  const year = calendarDate(Math.floor(time / DAY_MS)).year;
  if (year !== cachedYear) {
    cachedYear = year;
    cachedPeriod = dstPeriod(year);
  }
  return time >= cachedPeriod.start && time < cachedPeriod.end ? EDT_OFFSET_MS : EST_OFFSET_MS;
}

/** The day number of New York's calendar date at an instant. */
export function newYorkDay(time: number): number {
  return Math.floor((time + newYorkOffset(time)) / DAY_MS);
}

/** New York's wall clock at an instant. */
export type NewYorkTime = {
  /** The day number of the date (days since 1970-01-01). */
  day: number;
  year: number;
  month: number;
  date: number;
  /** 0 for Sunday to 6 for Saturday. */
  weekday: number;
  /** Milliseconds since local midnight, as the wall clock reads. */
  msOfDay: number;
  hour: number;
  minute: number;
  /** The UTC offset in force, in ms. */
  offset: number;
};

export function toNewYork(time: number): NewYorkTime {
  const offset = newYorkOffset(time);
  const local = time + offset;
  const day = Math.floor(local / DAY_MS);
  const msOfDay = local - day * DAY_MS;
  return {
    day,
    ...calendarDate(day),
    weekday: weekday(day),
    msOfDay,
    hour: Math.floor(msOfDay / HOUR_MS),
    minute: Math.floor((msOfDay % HOUR_MS) / MINUTE_MS),
    offset,
  };
}

/**
 * The instant at which New York's wall clock reads `msOfDay` on `day`. A reading that happens
 * twice (1:30 on the November switch) gives the first, daylight-time one; a reading that never
 * happens (2:30 on the March switch) gives the instant an hour later, as `Temporal`'s
 * "compatible" disambiguation does. No trading hour falls in either window.
 */
export function newYorkInstant(day: number, msOfDay: number): number {
  const local = day * DAY_MS + msOfDay;
  const asDaylight = local - EDT_OFFSET_MS;
  return newYorkOffset(asDaylight) === EDT_OFFSET_MS ? asDaylight : local - EST_OFFSET_MS;
}

/** The instant of a New York wall-clock time; `month` runs from 1 to 12. */
export function fromNewYork(
  year: number,
  month: number,
  date: number,
  hour = 0,
  minute = 0,
): number {
  return newYorkInstant(dayNumber(year, month, date), hour * HOUR_MS + minute * MINUTE_MS);
}

function sundayOnOrAfter(day: number): number {
  return day + ((7 - weekday(day)) % 7);
}
