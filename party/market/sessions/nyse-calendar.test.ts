import { describe, expect, it } from "vitest";
import { dayNumber, formatDay, parseDay, weekday } from "./calendar-day.ts";
import {
  isTradingDay,
  NYSE_CALENDAR_YEARS,
  NYSE_EARLY_CLOSES,
  NYSE_HOLIDAYS,
  nyseDayKind,
  nyseHoliday,
} from "./nyse-calendar.ts";

const day = (iso: string) => parseDay(iso) ?? Number.NaN;

/** NYSE Group's release of 23 December 2025, as published: the full closures of 2026 and 2027. */
const PUBLISHED_HOLIDAYS = [
  "2026-01-01",
  "2026-01-19",
  "2026-02-16",
  "2026-04-03",
  "2026-05-25",
  "2026-06-19",
  "2026-07-03",
  "2026-09-07",
  "2026-11-26",
  "2026-12-25",
  "2027-01-01",
  "2027-01-18",
  "2027-02-15",
  "2027-03-26",
  "2027-05-31",
  "2027-06-18",
  "2027-07-05",
  "2027-09-06",
  "2027-11-25",
  "2027-12-24",
];
/** The same release's 1:00 p.m. closes. */
const PUBLISHED_EARLY_CLOSES = ["2026-11-27", "2026-12-24", "2027-11-26"];

// The rules, written independently of the tables so that a mistyped date cannot agree with them.
function nthWeekday(year: number, month: number, dow: number, n: number): number {
  const first = dayNumber(year, month, 1);
  return first + ((dow - weekday(first) + 7) % 7) + (n - 1) * 7;
}
function lastWeekday(year: number, month: number, dow: number): number {
  const last = dayNumber(year, month + 1, 0);
  return last - ((weekday(last) - dow + 7) % 7);
}
/** Easter Sunday by the anonymous Gregorian algorithm (Meeus, Astronomical Algorithms, ch. 8). */
function easter(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const date = ((h + l - 7 * m + 114) % 31) + 1;
  return dayNumber(year, month, date);
}
/** NYSE Rule 7.2: Saturday to Friday (unless that Friday ends a month), Sunday to Monday. */
function observed(d: number): number | null {
  const dow = weekday(d);
  if (dow === 6) return formatDay(d).endsWith("-01") ? null : d - 1;
  if (dow === 0) return d + 1;
  return d;
}
function ruleHolidays(year: number): number[] {
  const fixed = [
    dayNumber(year, 1, 1),
    dayNumber(year, 6, 19),
    dayNumber(year, 7, 4),
    dayNumber(year, 12, 25),
  ].map(observed);
  const floating = [
    nthWeekday(year, 1, 1, 3),
    nthWeekday(year, 2, 1, 3),
    easter(year) - 2,
    lastWeekday(year, 5, 1),
    nthWeekday(year, 9, 1, 1),
    nthWeekday(year, 11, 4, 4),
  ];
  return [...fixed, ...floating].filter((d): d is number => d !== null).sort((x, y) => x - y);
}
function ruleEarlyCloses(year: number): number[] {
  const holidays = new Set(ruleHolidays(year));
  const candidates = [
    dayNumber(year, 7, 3),
    nthWeekday(year, 11, 4, 4) + 1,
    dayNumber(year, 12, 24),
  ];
  return candidates.filter((d) => weekday(d) !== 0 && weekday(d) !== 6 && !holidays.has(d));
}

describe("the NYSE calendar", () => {
  it("holds the published holidays and early closes of 2026 and 2027, and nothing else", () => {
    expect(NYSE_HOLIDAYS.map((h) => h.date)).toEqual(PUBLISHED_HOLIDAYS);
    expect(NYSE_EARLY_CLOSES.map((h) => h.date)).toEqual(PUBLISHED_EARLY_CLOSES);
    expect(NYSE_CALENDAR_YEARS).toEqual({ first: 2026, last: 2027 });
  });

  it.each([2026, 2027])("agrees with the holiday rules in %i", (year) => {
    const dates = (entries: readonly { date: string }[]) =>
      entries.filter((e) => e.date.startsWith(`${year}-`)).map((e) => e.date);
    expect(dates(NYSE_HOLIDAYS)).toEqual(ruleHolidays(year).map(formatDay));
    expect(dates(NYSE_EARLY_CLOSES)).toEqual(ruleEarlyCloses(year).map(formatDay));
  });

  it("puts every holiday and early close on a weekday", () => {
    for (const { date } of [...NYSE_HOLIDAYS, ...NYSE_EARLY_CLOSES]) {
      expect([0, 6], date).not.toContain(weekday(day(date)));
    }
  });

  it.each(PUBLISHED_HOLIDAYS)("closes on %s", (date) => {
    expect(nyseDayKind(day(date))).toBe("holiday");
    expect(isTradingDay(day(date))).toBe(false);
    expect(nyseHoliday(day(date))).toEqual(expect.any(String));
  });

  it.each(PUBLISHED_EARLY_CLOSES)("closes early on %s", (date) => {
    expect(nyseDayKind(day(date))).toBe("early");
    expect(isTradingDay(day(date))).toBe(true);
  });

  it("names the holidays, observed ones as observed", () => {
    expect(nyseHoliday(day("2026-04-03"))).toBe("Good Friday");
    expect(nyseHoliday(day("2026-07-03"))).toBe("Independence Day (observed)");
    expect(nyseHoliday(day("2027-12-24"))).toBe("Christmas Day (observed)");
    expect(nyseHoliday(day("2026-07-02"))).toBeNull();
  });

  it.each([
    ["2027-12-31", "New Year's Day 2028 is a Saturday and is not moved onto a year-end Friday"],
    ["2026-07-02", "the eve of an observed Independence Day is not shortened"],
    ["2027-07-02", "nor is the Friday before a Monday Independence Day"],
    ["2027-12-23", "nor the eve of an observed Christmas"],
    ["2026-12-31", "New Year's Eve is a full day"],
    ["2026-01-02", "the day after New Year's Day is a full day"],
  ])("trades a full day on %s: %s", (date) => {
    expect(nyseDayKind(day(date))).toBe("full");
  });

  it.each([
    [2026, 251],
    [2027, 251],
  ])("has %i sessions in a year: the weekdays less ten holidays", (year, sessions) => {
    let count = 0;
    for (let d = dayNumber(year, 1, 1); d < dayNumber(year + 1, 1, 1); d++) {
      if (isTradingDay(d)) count++;
    }
    expect(count).toBe(sessions);
  });

  it("keeps weekends closed and treats every weekday as a full day outside 2026 and 2027", () => {
    // The real 2025 Christmas and 2028 Martin Luther King Day: no data, so weekday rules.
    expect(nyseDayKind(day("2025-12-25"))).toBe("full");
    expect(nyseDayKind(day("2028-01-17"))).toBe("full");
    expect(nyseDayKind(day("2025-12-27"))).toBe("weekend");
    expect(nyseDayKind(day("2028-01-16"))).toBe("weekend");
  });

  it("answers for any number without throwing", () => {
    for (const d of [Number.NaN, Number.POSITIVE_INFINITY, -1e9, 1e9, 0.5]) {
      expect(["full", "early", "holiday", "weekend"]).toContain(nyseDayKind(d));
    }
  });
});
