import { describe, expect, it } from "vitest";
import { epochMs, pair, positive, rfc3339 } from "./decode.ts";

describe("positive", () => {
  it("reads numbers and decimal strings", () => {
    expect(positive(1.5)).toBe(1.5);
    expect(positive("0.00027625")).toBe(0.00027625);
    expect(positive("1e3")).toBe(1000);
    expect(positive(" 7 ")).toBe(7);
  });

  it("refuses zero, negatives, non-finite values and non-decimal text", () => {
    for (const value of [
      0,
      -1,
      "0",
      "-2",
      Number.NaN,
      Number.POSITIVE_INFINITY,
      "1e999",
      "",
      "0x10",
      "abc",
      null,
      undefined,
      {},
    ]) {
      expect(positive(value), String(value)).toBeNull();
    }
  });
});

describe("rfc3339", () => {
  it("reads micro- and nanosecond times, cutting to the millisecond", () => {
    const base = Date.UTC(2023, 9, 6, 17, 35, 55);
    expect(rfc3339("2023-10-06T17:35:55.440295Z")).toBe(base + 440);
    expect(rfc3339("2023-10-06T17:35:55.999999999Z")).toBe(base + 999);
    expect(rfc3339("2023-10-06T17:35:55Z")).toBe(base);
    expect(rfc3339("2023-10-06T17:35:55.4Z")).toBe(base + 400);
  });

  it("applies offsets", () => {
    expect(rfc3339("2023-10-06T19:35:55+02:00")).toBe(Date.UTC(2023, 9, 6, 17, 35, 55));
    expect(rfc3339("2023-10-06T12:35:55.5-05:00")).toBe(Date.UTC(2023, 9, 6, 17, 35, 55, 500));
  });

  it("refuses text without a zone or with impossible fields", () => {
    for (const value of [
      "2023-10-06T17:35:55",
      "2023-13-06T17:35:55Z",
      "2023-10-06T25:00:00Z",
      "2021-02-30T10:00:00Z",
      "yesterday",
      1696613755440,
    ]) {
      expect(rfc3339(value), String(value)).toBeNull();
    }
  });
});

describe("epochMs and pair", () => {
  it("reads whole non-negative milliseconds only", () => {
    expect(epochMs(1672515782134)).toBe(1672515782134);
    expect(epochMs(1.5)).toBeNull();
    expect(epochMs("1672515782134")).toBeNull();
  });

  it("splits currency pairs", () => {
    expect(pair("BTC-USD")).toEqual({ base: "BTC", quote: "USD" });
    expect(pair("AAPL")).toBeNull();
    expect(pair("BRK.B")).toBeNull();
    expect(pair("A-B-C")).toBeNull();
  });
});
