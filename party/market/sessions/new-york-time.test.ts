import { describe, expect, it } from "vitest";
import { DAY_MS } from "./calendar-day.ts";
import {
  dstPeriod,
  EDT_OFFSET_MS,
  EST_OFFSET_MS,
  fromNewYork,
  HOUR_MS,
  MINUTE_MS,
  newYorkDay,
  newYorkInstant,
  newYorkOffset,
  toNewYork,
} from "./new-york-time.ts";

const utc = (iso: string) => Date.parse(iso);

/** New York's offset and wall clock according to the host's tz database, as an oracle. */
const intl = new Intl.DateTimeFormat("en-US", {
  timeZone: "America/New_York",
  timeZoneName: "shortOffset",
  hourCycle: "h23",
  year: "numeric",
  month: "numeric",
  day: "numeric",
  hour: "numeric",
  minute: "numeric",
});
function oracle(time: number) {
  const parts = Object.fromEntries(intl.formatToParts(time).map((p) => [p.type, p.value]));
  const offset = parts.timeZoneName === "GMT-4" ? EDT_OFFSET_MS : EST_OFFSET_MS;
  const local = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
  );
  return { offset, local };
}

describe("daylight saving time", () => {
  it.each([
    [2025, "2025-03-09T07:00:00Z", "2025-11-02T06:00:00Z"],
    [2026, "2026-03-08T07:00:00Z", "2026-11-01T06:00:00Z"],
    [2027, "2027-03-14T07:00:00Z", "2027-11-07T06:00:00Z"],
    [2028, "2028-03-12T07:00:00Z", "2028-11-05T06:00:00Z"],
  ])(
    "in %i runs from the second Sunday of March, 2:00 EST, to the first Sunday of November, 2:00 EDT",
    (year, start, end) => {
      expect(dstPeriod(year)).toEqual({ start: utc(start), end: utc(end) });
    },
  );

  it.each([["2026-03-08T07:00:00Z"], ["2027-03-14T07:00:00Z"]])(
    "starts at %s: −5 h to the millisecond before, −4 h from then",
    (iso) => {
      expect(newYorkOffset(utc(iso) - 1)).toBe(-5 * HOUR_MS);
      expect(newYorkOffset(utc(iso))).toBe(-4 * HOUR_MS);
    },
  );

  it.each([["2026-11-01T06:00:00Z"], ["2027-11-07T06:00:00Z"]])(
    "ends at %s: −4 h to the millisecond before, −5 h from then",
    (iso) => {
      expect(newYorkOffset(utc(iso) - 1)).toBe(-4 * HOUR_MS);
      expect(newYorkOffset(utc(iso))).toBe(-5 * HOUR_MS);
    },
  );

  it("matches the tz database every hour of 2025 to 2028, and every minute around each switch", () => {
    const times: number[] = [];
    for (let t = utc("2025-01-01T00:00:00Z"); t < utc("2029-01-01T00:00:00Z"); t += HOUR_MS) {
      times.push(t);
    }
    for (const year of [2025, 2026, 2027, 2028]) {
      const { start, end } = dstPeriod(year);
      for (const edge of [start, end]) {
        for (let t = edge - 3 * HOUR_MS; t <= edge + 3 * HOUR_MS; t += MINUTE_MS) times.push(t);
      }
    }
    const wrong = times.filter((t) => {
      const ny = toNewYork(t);
      const expected = oracle(t);
      return (
        ny.offset !== expected.offset ||
        ny.day * DAY_MS + ny.hour * HOUR_MS + ny.minute * MINUTE_MS !== expected.local
      );
    });
    expect(wrong.map((t) => new Date(t).toISOString())).toEqual([]);
  });
});

describe("toNewYork", () => {
  it("reads the wall clock on the Monday after the March switch", () => {
    expect(toNewYork(utc("2026-03-09T13:29:00Z"))).toMatchObject({
      year: 2026,
      month: 3,
      date: 9,
      weekday: 1,
      hour: 9,
      minute: 29,
      offset: -4 * HOUR_MS,
    });
  });

  it("puts an evening in New York on the previous UTC date", () => {
    const ny = toNewYork(utc("2026-01-14T01:00:00Z"));
    expect(ny).toMatchObject({ month: 1, date: 13, hour: 20, minute: 0 });
    expect(newYorkDay(utc("2026-01-14T01:00:00Z"))).toBe(ny.day);
  });

  it("does not depend on the machine's time zone", () => {
    const times = [
      utc("2026-03-09T13:30:00Z"),
      utc("2026-11-01T05:30:00Z"),
      utc("2027-07-05T03:00:00Z"),
    ];
    const before = times.map(toNewYork);
    const zone = process.env.TZ;
    try {
      for (const tz of ["Asia/Kolkata", "Pacific/Chatham", "America/Los_Angeles", "UTC"]) {
        process.env.TZ = tz;
        expect(times.map(toNewYork)).toEqual(before);
        expect(fromNewYork(2026, 3, 9, 9, 30)).toBe(utc("2026-03-09T13:30:00Z"));
      }
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });
});

describe("fromNewYork", () => {
  it("turns 9:30 into 14:30 UTC in winter and 13:30 UTC in summer", () => {
    expect(fromNewYork(2026, 3, 6, 9, 30)).toBe(utc("2026-03-06T14:30:00Z"));
    expect(fromNewYork(2026, 3, 9, 9, 30)).toBe(utc("2026-03-09T13:30:00Z"));
    expect(fromNewYork(2026, 10, 30, 9, 30)).toBe(utc("2026-10-30T13:30:00Z"));
    expect(fromNewYork(2026, 11, 2, 9, 30)).toBe(utc("2026-11-02T14:30:00Z"));
    expect(fromNewYork(2027, 3, 15, 9, 30)).toBe(utc("2027-03-15T13:30:00Z"));
    expect(fromNewYork(2027, 11, 8, 9, 30)).toBe(utc("2027-11-08T14:30:00Z"));
  });

  it("reads the switch days' own hours either side of 2:00", () => {
    expect(fromNewYork(2026, 3, 8, 1, 59)).toBe(utc("2026-03-08T06:59:00Z"));
    expect(fromNewYork(2026, 3, 8, 3, 0)).toBe(utc("2026-03-08T07:00:00Z"));
    expect(fromNewYork(2026, 11, 1, 0, 59)).toBe(utc("2026-11-01T04:59:00Z"));
    expect(fromNewYork(2026, 11, 1, 2, 0)).toBe(utc("2026-11-01T07:00:00Z"));
  });

  it("takes the daylight reading of the hour November repeats, and skips the hour March lacks", () => {
    expect(fromNewYork(2026, 11, 1, 1, 30)).toBe(utc("2026-11-01T05:30:00Z"));
    expect(fromNewYork(2026, 3, 8, 2, 30)).toBe(utc("2026-03-08T07:30:00Z"));
    expect(toNewYork(fromNewYork(2026, 3, 8, 2, 30))).toMatchObject({ hour: 3, minute: 30 });
  });

  it("round-trips every quarter hour of 2026 and 2027 outside the switch hours", () => {
    let wrong = 0;
    for (
      let t = utc("2026-01-01T05:00:00Z");
      t < utc("2028-01-01T05:00:00Z");
      t += 15 * MINUTE_MS
    ) {
      const ny = toNewYork(t);
      if (ny.weekday === 0 && ny.hour < 3) continue;
      if (newYorkInstant(ny.day, ny.msOfDay) !== t) wrong++;
    }
    expect(wrong).toBe(0);
  });
});
