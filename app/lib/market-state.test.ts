import { describe, expect, it } from "vitest";
import type { Quote } from "../../party/protocol/index.ts";
import {
  extendedHours,
  percentOf,
  rangePosition,
  SESSION_LABEL,
  sessionOf,
} from "./market-state.ts";

function quote(fields: Partial<Quote>): Quote {
  return {
    price: 188.1,
    open: 186,
    high: 188,
    low: 185.5,
    prevClose: 186.22,
    change: 1.88,
    changePct: 1.01,
    volume: 1000,
    time: 0,
    ...fields,
  };
}

describe("sessionOf", () => {
  it("names the five states and nothing else", () => {
    expect(SESSION_LABEL[sessionOf(quote({ session: "pre" })) ?? "closed"]).toBe("Pre-market");
    expect(SESSION_LABEL[sessionOf(quote({ session: "regular" })) ?? "closed"]).toBe("Open");
    expect(SESSION_LABEL[sessionOf(quote({ session: "post" })) ?? "closed"]).toBe("After hours");
    expect(SESSION_LABEL[sessionOf(quote({ session: "continuous" })) ?? "closed"]).toBe("24/7");
    expect(sessionOf(quote({}))).toBeNull();
    expect(sessionOf(quote({ session: "toString" as never }))).toBeNull();
    expect(sessionOf(null)).toBeNull();
  });
});

describe("extendedHours", () => {
  it("after hours: the close with the regular session's change, and the move since the close", () => {
    // Yahoo's layout: "At close 187.42 +1.20 (+0.64%)" and "After hours 188.10 +0.68 (+0.36%)".
    const ext = extendedHours(quote({ session: "post", regularClose: 187.42 }));
    expect(ext?.label).toBe("After hours");
    expect(ext?.close).toBe(187.42);
    expect(ext?.closeChange).toBeCloseTo(1.2, 10);
    expect(percentOf(ext?.closeChange ?? 0, 186.22)).toBeCloseTo(0.6444, 4);
    expect(ext?.change).toBeCloseTo(0.68, 10);
    expect(percentOf(ext?.change ?? 0, 187.42)).toBeCloseTo(0.3628, 4);
  });

  it("pre-market: the move from the last close, and no change for a close that is the previous close", () => {
    const ext = extendedHours(quote({ session: "pre", regularClose: 186.22, prevClose: 186.22 }));
    expect(ext?.label).toBe("Pre-market");
    expect(ext?.closeChange).toBeNull();
    expect(ext?.change).toBeCloseTo(1.88, 10);
  });

  it("closed: the last after-hours trade, unless the last trade was the close", () => {
    expect(extendedHours(quote({ session: "closed", regularClose: 187.42 }))?.label).toBe(
      "After hours",
    );
    expect(extendedHours(quote({ session: "closed", regularClose: 188.1 }))).toBeNull();
  });

  it("is nothing in the regular session, for crypto, or without a regular close", () => {
    expect(extendedHours(quote({ session: "regular", regularClose: 187.42 }))).toBeNull();
    expect(extendedHours(quote({ session: "continuous", regularClose: 187.42 }))).toBeNull();
    expect(extendedHours(quote({ session: "post" }))).toBeNull();
    expect(extendedHours(quote({ session: "post", regularClose: Number.NaN }))).toBeNull();
    expect(extendedHours(quote({ regularClose: 187.42 }))).toBeNull();
    expect(extendedHours(null)).toBeNull();
  });
});

describe("rangePosition", () => {
  it("places a price in its range, clamped, and a flat range in the middle", () => {
    expect(rangePosition(185, 180, 190)).toBe(50);
    expect(rangePosition(190, 180, 190)).toBe(100);
    expect(rangePosition(200, 180, 190)).toBe(100);
    expect(rangePosition(170, 180, 190)).toBe(0);
    expect(rangePosition(5, 5, 5)).toBe(50);
  });
});
