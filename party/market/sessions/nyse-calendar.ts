/**
 * The New York Stock Exchange's calendar: which dates have no session, and which close early.
 *
 * Source: NYSE Group, "NYSE Group Announces 2026, 2027 and 2028 Holiday and Early Closings
 * Calendar", press release of 23 December 2025 (the table published at
 * https://www.nyse.com/markets/hours-calendars); its release of 8 November 2024 gives the same
 * 2026 and 2027 dates. The exchange publishes these as decisions, not as a formula (it adds
 * closures such as national days of mourning), so they are data here. Each row names the rule
 * the date follows, and `nyse-calendar.test.ts` derives every one again from those rules.
 *
 * Observed dates follow NYSE Rule 7.2: a holiday on a Saturday moves to the Friday before, one on
 * a Sunday to the Monday after, except that no holiday moves onto a Friday that ends a month or a
 * year; so a New Year's Day on a Saturday is not observed at all.
 *
 * Outside the years below, every weekday is a full trading day: there is no published calendar
 * here to follow, and guessing holidays would make the simulator disagree with a real feed in a
 * different way. Extend the tables from the next release rather than adding rules.
 */
import { parseDay, weekday } from "./calendar-day.ts";

/** The years whose holidays and early closes are known. */
export const NYSE_CALENDAR_YEARS = { first: 2026, last: 2027 } as const;

export type NyseCalendarEntry = { date: string; name: string };

export const NYSE_HOLIDAYS: readonly NyseCalendarEntry[] = [
  // January 1, a Thursday.
  { date: "2026-01-01", name: "New Year's Day" },
  // The third Monday of January.
  { date: "2026-01-19", name: "Martin Luther King, Jr. Day" },
  // The third Monday of February.
  { date: "2026-02-16", name: "Washington's Birthday" },
  // Two days before Easter Sunday, April 5.
  { date: "2026-04-03", name: "Good Friday" },
  // The last Monday of May.
  { date: "2026-05-25", name: "Memorial Day" },
  // June 19, a Friday.
  { date: "2026-06-19", name: "Juneteenth National Independence Day" },
  // July 4 is a Saturday: observed on the Friday before.
  { date: "2026-07-03", name: "Independence Day (observed)" },
  // The first Monday of September.
  { date: "2026-09-07", name: "Labor Day" },
  // The fourth Thursday of November.
  { date: "2026-11-26", name: "Thanksgiving Day" },
  // December 25, a Friday.
  { date: "2026-12-25", name: "Christmas Day" },

  // January 1, a Friday.
  { date: "2027-01-01", name: "New Year's Day" },
  // The third Monday of January.
  { date: "2027-01-18", name: "Martin Luther King, Jr. Day" },
  // The third Monday of February.
  { date: "2027-02-15", name: "Washington's Birthday" },
  // Two days before Easter Sunday, March 28.
  { date: "2027-03-26", name: "Good Friday" },
  // The last Monday of May.
  { date: "2027-05-31", name: "Memorial Day" },
  // June 19 is a Saturday: observed on the Friday before.
  { date: "2027-06-18", name: "Juneteenth National Independence Day (observed)" },
  // July 4 is a Sunday: observed on the Monday after.
  { date: "2027-07-05", name: "Independence Day (observed)" },
  // The first Monday of September.
  { date: "2027-09-06", name: "Labor Day" },
  // The fourth Thursday of November.
  { date: "2027-11-25", name: "Thanksgiving Day" },
  // December 25 is a Saturday: observed on the Friday before.
  { date: "2027-12-24", name: "Christmas Day (observed)" },
  // Friday, December 31, 2027 is a full trading day: January 1, 2028 is a Saturday, and the
  // release states that no New Year's Day holiday is observed for it.
];

/**
 * Sessions whose regular hours end at 13:00 ET; the same footnotes close the NYSE Arca late
 * trading session at 17:00 on those days. There is none before Independence Day in either year:
 * July 3 is itself the observed holiday in 2026 and a Saturday in 2027. There is none on
 * December 23, 2027 either, the eve of an observed rather than an actual Christmas.
 */
export const NYSE_EARLY_CLOSES: readonly NyseCalendarEntry[] = [
  // The day after Thanksgiving.
  { date: "2026-11-27", name: "Day after Thanksgiving" },
  // December 24, a Thursday.
  { date: "2026-12-24", name: "Christmas Eve" },
  // The day after Thanksgiving.
  { date: "2027-11-26", name: "Day after Thanksgiving" },
];

/** What kind of day a date is on the NYSE. */
export type NyseDayKind = "full" | "early" | "holiday" | "weekend";

const byDay = (entries: readonly NyseCalendarEntry[]) =>
  new Map(entries.map((e) => [parseDay(e.date) ?? Number.NaN, e.name]));

const HOLIDAYS = byDay(NYSE_HOLIDAYS);
const EARLY_CLOSES = byDay(NYSE_EARLY_CLOSES);

/** The kind of day `day` (a day number of New York's calendar) is. */
export function nyseDayKind(day: number): NyseDayKind {
  const dow = weekday(day);
  if (dow === 0 || dow === 6) return "weekend";
  if (HOLIDAYS.has(day)) return "holiday";
  if (EARLY_CLOSES.has(day)) return "early";
  return "full";
}

/** Whether the NYSE holds a regular session on `day`. */
export function isTradingDay(day: number): boolean {
  const kind = nyseDayKind(day);
  return kind === "full" || kind === "early";
}

/** The name of the holiday on `day`, or null when it is not one. */
export function nyseHoliday(day: number): string | null {
  return HOLIDAYS.get(day) ?? null;
}
