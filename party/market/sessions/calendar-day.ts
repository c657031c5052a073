/**
 * Calendar dates as day numbers: whole days since 1970-01-01, the unit `quote.ts` already keys
 * a session by. Integers compare, step and hash without any notion of a time zone, so a date
 * means the same thing on every machine whatever its `TZ`.
 *
 * The conversions are Howard Hinnant's `days_from_civil` and `civil_from_days` (proleptic
 * Gregorian calendar, exact for every year): plain arithmetic, because `Date.UTC` maps the years
 * 0 to 99 onto the 1900s and allocates where this runs once per tick.
 */

export const DAY_MS = 86_400_000;

/** A Gregorian date; `month` runs from 1 to 12. */
export type CalendarDate = { year: number; month: number; date: number };

/**
 * The day number of a date. Out-of-range dates roll over (the 0th of March is the last day of
 * February), which keeps "the Nth weekday of a month" arithmetic simple.
 */
export function dayNumber(year: number, month: number, date: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  // Years start in March here, so that the leap day is the last day of the year.
  const monthFromMarch = (month + 9) % 12;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + date - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

export function calendarDate(day: number): CalendarDate {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const date = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, date };
}

/** 0 for Sunday to 6 for Saturday. Day 0, 1970-01-01, was a Thursday. */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** `YYYY-MM-DD`. */
export function formatDay(day: number): string {
  const { year, month, date } = calendarDate(day);
  return `${String(year).padStart(4, "0")}-${pad2(month)}-${pad2(date)}`;
}

/** The day number of a `YYYY-MM-DD` date, or null when the text is not a real date. */
export function parseDay(text: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const day = dayNumber(Number(match[1]), Number(match[2]), Number(match[3]));
  // A rolled-over date such as 2026-02-30 does not survive the round trip.
  return formatDay(day) === text ? day : null;
}

const pad2 = (n: number) => String(n).padStart(2, "0");
