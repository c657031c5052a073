import { describe, expect, it } from "vitest";
import { DAY_MS, parseDay } from "./calendar-day.ts";
import {
  isExtendedHours,
  type MarketState,
  marketState,
  nextOpen,
  previousRegularClose,
  regularSession,
  sessionDay,
} from "./market-hours.ts";
import { MINUTE_MS, newYorkInstant } from "./new-york-time.ts";
import { isTradingDay, NYSE_EARLY_CLOSES, NYSE_HOLIDAYS } from "./nyse-calendar.ts";
import { symbolKind } from "./symbol-kind.ts";

const utc = (iso: string) => Date.parse(iso);
const day = (iso: string) => parseDay(iso) ?? Number.NaN;
const stock = (iso: string) => marketState("stock", utc(iso));
const iso = (time: number) => new Date(time).toISOString();

describe("marketState for a stock", () => {
  it.each([
    // Tuesday 13 January 2026, standard time: ET is UTC−5.
    ["2026-01-13T08:59:59.999Z", "closed"],
    ["2026-01-13T09:00:00.000Z", "pre"], // 4:00
    ["2026-01-13T14:29:59.999Z", "pre"],
    ["2026-01-13T14:30:00.000Z", "regular"], // 9:30
    ["2026-01-13T20:59:59.999Z", "regular"],
    ["2026-01-13T21:00:00.000Z", "post"], // 16:00
    ["2026-01-14T00:59:59.999Z", "post"],
    ["2026-01-14T01:00:00.000Z", "closed"], // 20:00
    // Wednesday 15 July 2026, daylight time: ET is UTC−4.
    ["2026-07-15T07:59:59.999Z", "closed"],
    ["2026-07-15T08:00:00.000Z", "pre"], // 4:00
    ["2026-07-15T13:29:59.999Z", "pre"],
    ["2026-07-15T13:30:00.000Z", "regular"], // 9:30
    ["2026-07-15T19:59:59.999Z", "regular"],
    ["2026-07-15T20:00:00.000Z", "post"], // 16:00
    ["2026-07-15T23:59:59.999Z", "post"],
    ["2026-07-16T00:00:00.000Z", "closed"], // 20:00
  ])("is %s → %s at the 4:00, 9:30, 16:00 and 20:00 ET boundaries", (time, state) => {
    expect(stock(time)).toBe(state);
  });

  describe.each([
    ["March 2026", "2026-03-06", "2026-03-09", 14, 13],
    ["November 2026", "2026-10-30", "2026-11-02", 13, 14],
    ["March 2027", "2027-03-12", "2027-03-15", 14, 13],
    ["November 2027", "2027-11-05", "2027-11-08", 13, 14],
  ])("around the %s switch", (_, friday, monday, fridayHour, mondayHour) => {
    const at = (date: string, hour: number, minute: number) =>
      `${date}T${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}:00Z`;

    it("opens at 9:29, 9:30 and 9:31 ET on the Friday before, in that week's offset", () => {
      expect(stock(at(friday, fridayHour, 29))).toBe("pre");
      expect(stock(at(friday, fridayHour, 30))).toBe("regular");
      expect(stock(at(friday, fridayHour, 31))).toBe("regular");
    });

    it("opens at 9:29, 9:30 and 9:31 ET on the Monday after, an hour apart in UTC", () => {
      expect(stock(at(monday, mondayHour, 29))).toBe("pre");
      expect(stock(at(monday, mondayHour, 30))).toBe("regular");
      expect(stock(at(monday, mondayHour, 31))).toBe("regular");
      // The Friday's opening minute, in UTC, is a different hour of Monday.
      const other = fridayHour === 14 ? "regular" : "pre";
      expect(stock(at(monday, fridayHour, 30))).toBe(other);
    });

    it("stays closed on the Sunday of the switch", () => {
      const sunday = day(monday) - 1;
      for (let t = sunday * DAY_MS; t < (sunday + 1) * DAY_MS; t += 10 * MINUTE_MS) {
        expect(marketState("stock", t), iso(t)).toBe("closed");
      }
    });
  });

  it.each(NYSE_HOLIDAYS.map((h) => [h.date, h.name]))("is closed all of %s (%s)", (date) => {
    const d = day(date);
    for (let minute = 0; minute < 24 * 60; minute += 5) {
      const t = newYorkInstant(d, minute * MINUTE_MS);
      expect(marketState("stock", t), iso(t)).toBe("closed");
    }
    expect(regularSession(d)).toBeNull();
  });

  it.each(NYSE_EARLY_CLOSES.map((h) => [h.date, h.name]))(
    "closes at 13:00 ET on %s (%s), after-hours at 17:00",
    (date) => {
      // All three are in standard time: 13:00 ET is 18:00 UTC.
      expect(stock(`${date}T14:29:59.999Z`)).toBe("pre");
      expect(stock(`${date}T14:30:00Z`)).toBe("regular");
      expect(stock(`${date}T17:59:59.999Z`)).toBe("regular");
      expect(stock(`${date}T18:00:00Z`)).toBe("post");
      expect(stock(`${date}T21:00:00Z`)).toBe("post"); // 16:00, no longer a boundary
      expect(stock(`${date}T21:59:59.999Z`)).toBe("post");
      expect(stock(`${date}T22:00:00Z`)).toBe("closed");
      expect(regularSession(day(date))).toEqual({
        day: day(date),
        preOpen: utc(`${date}T09:00:00Z`),
        open: utc(`${date}T14:30:00Z`),
        close: utc(`${date}T18:00:00Z`),
        postClose: utc(`${date}T22:00:00Z`),
        earlyClose: true,
      });
    },
  );

  it("goes from Friday's after-hours to closed all weekend to Monday's pre-market", () => {
    expect(stock("2026-01-10T00:59:59.999Z")).toBe("post"); // Friday 19:59:59 ET
    expect(stock("2026-01-10T01:00:00Z")).toBe("closed"); // Friday 20:00
    expect(stock("2026-01-10T15:00:00Z")).toBe("closed"); // Saturday 10:00
    expect(stock("2026-01-11T15:00:00Z")).toBe("closed"); // Sunday 10:00
    expect(stock("2026-01-12T08:59:59.999Z")).toBe("closed"); // Monday 3:59:59
    expect(stock("2026-01-12T09:00:00Z")).toBe("pre"); // Monday 4:00
  });

  it("is closed on a weekend at every hour", () => {
    for (let t = utc("2026-01-10T01:00:00Z"); t < utc("2026-01-12T09:00:00Z"); t += MINUTE_MS) {
      if (marketState("stock", t) !== "closed") expect.fail(`open at ${iso(t)}`);
    }
  });

  it("follows weekday rules outside 2026 and 2027", () => {
    expect(stock("2025-12-25T17:00:00Z")).toBe("regular"); // no 2025 holidays are known
    expect(stock("2028-01-17T17:00:00Z")).toBe("regular");
    expect(stock("2028-01-15T17:00:00Z")).toBe("closed"); // a Saturday
    expect(stock("2024-06-03T13:30:00Z")).toBe("regular");
  });

  it("answers for any number without throwing", () => {
    const odd = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -1e15, 8.64e15];
    for (const t of odd) {
      expect(["pre", "regular", "post", "closed"]).toContain(marketState("stock", t));
      expect(() => [previousRegularClose(t), nextOpen(t), sessionDay("stock", t)]).not.toThrow();
    }
    expect(previousRegularClose(Number.NaN)).toBeNaN();
    expect(nextOpen(Number.POSITIVE_INFINITY)).toBeNaN();
    expect(sessionDay("stock", Number.NaN)).toBeNaN();
  });
});

describe("marketState for crypto", () => {
  it("is continuous at every hour, weekends, holidays and nights included", () => {
    const kind = symbolKind("BTC-USD");
    const states = new Set<MarketState>();
    for (let t = utc("2026-12-20T00:00:00Z"); t < utc("2027-01-05T00:00:00Z"); t += 7 * MINUTE_MS) {
      states.add(marketState(kind, t));
    }
    expect([...states]).toEqual(["continuous"]);
  });

  it("is never extended hours", () => {
    expect(isExtendedHours("crypto", utc("2026-01-13T09:00:00Z"))).toBe(false);
    expect(isExtendedHours("crypto", utc("2026-01-13T21:00:00Z"))).toBe(false);
  });
});

describe("isExtendedHours", () => {
  it("is true in pre-market and after-hours only", () => {
    const at = (time: string) => isExtendedHours("stock", utc(time));
    expect(at("2026-01-13T08:59:59.999Z")).toBe(false);
    expect(at("2026-01-13T09:00:00Z")).toBe(true);
    expect(at("2026-01-13T14:30:00Z")).toBe(false);
    expect(at("2026-01-13T21:00:00Z")).toBe(true);
    expect(at("2026-01-14T01:00:00Z")).toBe(false);
    expect(at("2026-11-27T18:00:00Z")).toBe(true); // after an early close
    expect(at("2026-11-26T12:00:00Z")).toBe(false); // Thanksgiving morning
  });
});

describe("regularSession", () => {
  it("gives a winter day's hours in UTC−5 and a summer day's in UTC−4", () => {
    expect(regularSession(day("2026-01-13"))).toEqual({
      day: day("2026-01-13"),
      preOpen: utc("2026-01-13T09:00:00Z"),
      open: utc("2026-01-13T14:30:00Z"),
      close: utc("2026-01-13T21:00:00Z"),
      postClose: utc("2026-01-14T01:00:00Z"),
      earlyClose: false,
    });
    expect(regularSession(day("2026-03-09"))).toMatchObject({
      open: utc("2026-03-09T13:30:00Z"),
      close: utc("2026-03-09T20:00:00Z"),
    });
  });

  it("is null on weekends and holidays", () => {
    expect(regularSession(day("2026-01-10"))).toBeNull();
    expect(regularSession(day("2026-01-19"))).toBeNull();
  });
});

describe("previousRegularClose", () => {
  it.each([
    ["on a Monday morning: Friday 16:00 ET", "2026-01-12T13:00:00Z", "2026-01-09T21:00:00Z"],
    ["on a Saturday", "2026-01-10T17:00:00Z", "2026-01-09T21:00:00Z"],
    [
      "on the Monday after the March switch: Friday in EST",
      "2026-03-09T12:00:00Z",
      "2026-03-06T21:00:00Z",
    ],
    [
      "on the Monday after the November switch: Friday in EDT",
      "2026-11-02T12:00:00Z",
      "2026-10-30T20:00:00Z",
    ],
    ["the day after Martin Luther King Day", "2026-01-20T14:00:00Z", "2026-01-16T21:00:00Z"],
    ["the Monday after Good Friday", "2026-04-06T12:00:00Z", "2026-04-02T20:00:00Z"],
    ["the day after Thanksgiving", "2026-11-27T14:00:00Z", "2026-11-25T21:00:00Z"],
    [
      "the Monday after an observed Independence Day",
      "2026-07-06T12:00:00Z",
      "2026-07-02T20:00:00Z",
    ],
    ["the day after a Monday Independence Day", "2027-07-06T12:00:00Z", "2027-07-02T20:00:00Z"],
    ["after New Year's Day on a Friday", "2027-01-04T12:00:00Z", "2026-12-31T21:00:00Z"],
    [
      "during an early close's after-hours: 13:00 ET",
      "2026-11-27T20:00:00Z",
      "2026-11-27T18:00:00Z",
    ],
    ["the Monday after an early close", "2026-11-30T14:00:00Z", "2026-11-27T18:00:00Z"],
    [
      "after Christmas Eve's early close and Christmas",
      "2026-12-28T14:00:00Z",
      "2026-12-24T18:00:00Z",
    ],
    ["after an observed Christmas", "2027-12-27T14:00:00Z", "2027-12-23T21:00:00Z"],
    [
      "at the start of 2026, from 2025's weekday rules",
      "2026-01-02T12:00:00Z",
      "2025-12-31T21:00:00Z",
    ],
  ])("%s", (_, time, close) => {
    expect(iso(previousRegularClose(utc(time)))).toBe(iso(utc(close)));
  });

  it("counts a session that ends exactly at `time`, and not one a millisecond later", () => {
    expect(previousRegularClose(utc("2026-01-09T21:00:00Z"))).toBe(utc("2026-01-09T21:00:00Z"));
    expect(previousRegularClose(utc("2026-01-09T20:59:59.999Z"))).toBe(utc("2026-01-08T21:00:00Z"));
  });

  it("is the close before a session's day when asked at its open", () => {
    const monday = regularSession(day("2026-01-12"));
    expect(monday).not.toBeNull();
    if (monday) expect(previousRegularClose(monday.open)).toBe(utc("2026-01-09T21:00:00Z"));
  });
});

describe("nextOpen", () => {
  it.each([
    ["from Friday's after-hours: Monday 9:30", "2026-01-09T22:00:00Z", "2026-01-12T14:30:00Z"],
    ["from a Saturday", "2026-01-10T17:00:00Z", "2026-01-12T14:30:00Z"],
    ["a millisecond before the open", "2026-01-12T14:29:59.999Z", "2026-01-12T14:30:00Z"],
    ["exactly at the open: the next day's", "2026-01-12T14:30:00Z", "2026-01-13T14:30:00Z"],
    ["across the March switch", "2026-03-06T22:00:00Z", "2026-03-09T13:30:00Z"],
    ["across the November switch", "2027-11-05T21:00:00Z", "2027-11-08T14:30:00Z"],
    ["over a holiday weekend", "2026-01-16T22:00:00Z", "2026-01-20T14:30:00Z"],
    ["over Thanksgiving, to an early-close day", "2026-11-25T22:00:00Z", "2026-11-27T14:30:00Z"],
    ["over Christmas", "2026-12-24T18:30:00Z", "2026-12-28T14:30:00Z"],
    ["over an observed Christmas", "2027-12-23T22:00:00Z", "2027-12-27T14:30:00Z"],
    ["into 2028 on weekday rules", "2027-12-31T22:00:00Z", "2028-01-03T14:30:00Z"],
  ])("%s", (_, time, open) => {
    expect(iso(nextOpen(utc(time)))).toBe(iso(utc(open)));
  });
});

describe("sessionDay", () => {
  it.each([
    ["before pre-market: the previous session", "2026-01-13T08:59:59.999Z", "2026-01-12"],
    ["from 4:00 ET", "2026-01-13T09:00:00Z", "2026-01-13"],
    ["in after-hours, already the next UTC date", "2026-01-14T00:59:00Z", "2026-01-13"],
    ["late at night", "2026-01-14T04:30:00Z", "2026-01-13"],
    ["on a Saturday: Friday's", "2026-01-10T17:00:00Z", "2026-01-09"],
    ["early on Monday: Friday's", "2026-01-12T08:00:00Z", "2026-01-09"],
    ["early after a Monday holiday", "2026-01-20T08:00:00Z", "2026-01-16"],
    ["on a holiday", "2026-11-26T17:00:00Z", "2026-11-25"],
    ["after an early close", "2026-11-27T23:00:00Z", "2026-11-27"],
    ["on the Monday after the March switch", "2026-03-09T08:00:00Z", "2026-03-09"],
  ])("for a stock %s", (_, time, date) => {
    expect(sessionDay("stock", utc(time))).toBe(day(date));
  });

  it("is always a trading day for a stock", () => {
    for (
      let t = utc("2026-11-20T00:00:00Z");
      t < utc("2027-01-10T00:00:00Z");
      t += 13 * MINUTE_MS
    ) {
      if (!isTradingDay(sessionDay("stock", t))) expect.fail(`no session for ${iso(t)}`);
    }
  });

  it.each([
    ["2026-01-14T00:59:00Z", "2026-01-14"],
    ["2026-01-13T23:59:59.999Z", "2026-01-13"],
    ["2026-01-10T17:00:00Z", "2026-01-10"],
    ["2026-12-25T12:00:00Z", "2026-12-25"],
  ])("for crypto at %s is the UTC date %s", (time, date) => {
    expect(sessionDay("crypto", utc(time))).toBe(day(date));
  });
});

describe("a sweep of 2026 and 2027 every five minutes", () => {
  it("agrees with each session's own boundaries, and holds the year's regular minutes", () => {
    const regularMinutes = new Map<number, number>();
    const wrong: string[] = [];
    const step = 5 * MINUTE_MS;
    for (let t = utc("2026-01-01T00:00:00Z"); t < utc("2028-01-01T00:00:00Z"); t += step) {
      const state = marketState("stock", t);
      const hours = regularSession(sessionDay("stock", t));
      const expected: MarketState =
        hours === null || t < hours.preOpen
          ? "closed"
          : t < hours.open
            ? "pre"
            : t < hours.close
              ? "regular"
              : t < hours.postClose
                ? "post"
                : "closed";
      if (state !== expected) wrong.push(`${iso(t)}: ${state}, not ${expected}`);
      if (state === "regular") {
        const year = new Date(t).getUTCFullYear();
        regularMinutes.set(year, (regularMinutes.get(year) ?? 0) + 5);
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    // 251 sessions of 390 minutes, less 180 for each early close (two in 2026, one in 2027).
    expect(regularMinutes.get(2026)).toBe(251 * 390 - 2 * 180);
    expect(regularMinutes.get(2027)).toBe(251 * 390 - 180);
  });
});
