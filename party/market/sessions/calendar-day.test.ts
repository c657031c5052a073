import { describe, expect, it } from "vitest";
import { calendarDate, DAY_MS, dayNumber, formatDay, parseDay, weekday } from "./calendar-day.ts";

describe("day numbers", () => {
  it("agree with Date.UTC on every day from 1900 to 2100", () => {
    const first = Date.UTC(1900, 0, 1) / DAY_MS;
    const last = Date.UTC(2100, 11, 31) / DAY_MS;
    let mismatches = 0;
    for (let day = first; day <= last; day++) {
      const d = new Date(day * DAY_MS);
      const c = calendarDate(day);
      const same =
        c.year === d.getUTCFullYear() &&
        c.month === d.getUTCMonth() + 1 &&
        c.date === d.getUTCDate() &&
        dayNumber(c.year, c.month, c.date) === day &&
        weekday(day) === d.getUTCDay();
      if (!same) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it("count from 1970-01-01, a Thursday, and run backwards before it", () => {
    expect(dayNumber(1970, 1, 1)).toBe(0);
    expect(weekday(0)).toBe(4);
    expect(dayNumber(1969, 12, 31)).toBe(-1);
    expect(weekday(-1)).toBe(3);
    expect(calendarDate(-1)).toEqual({ year: 1969, month: 12, date: 31 });
  });

  it("roll an out-of-range date over, so the 0th of March is the end of February", () => {
    expect(formatDay(dayNumber(2028, 3, 0))).toBe("2028-02-29");
    expect(formatDay(dayNumber(2027, 3, 0))).toBe("2027-02-28");
    expect(formatDay(dayNumber(2026, 12, 32))).toBe("2027-01-01");
  });

  it("keep the years before 100 where they are", () => {
    expect(formatDay(dayNumber(50, 6, 1))).toBe("0050-06-01");
  });
});

describe("parseDay", () => {
  it("reads ISO dates", () => {
    expect(parseDay("2026-03-09")).toBe(Date.UTC(2026, 2, 9) / DAY_MS);
    expect(parseDay("2028-02-29")).toBe(Date.UTC(2028, 1, 29) / DAY_MS);
  });

  it.each(["2026-02-30", "2027-02-29", "2026-13-01", "2026-3-9", "2026-03-09T00:00", ""])(
    "rejects %j",
    (text) => {
      expect(parseDay(text)).toBeNull();
    },
  );
});
