import { describe, expect, it } from "vitest";
import {
  canonicalIndicators,
  formatIndicators,
  type IndicatorSpec,
  indicatorToken,
  MAX_INDICATORS,
  parseIndicators,
  parseIndicatorToken,
} from "./indicator-spec.ts";

describe("parseIndicators", () => {
  it("reads the issue's example into typed specs", () => {
    expect(parseIndicators("sma20,ema50,vwap,bb20,rsi14,macd")).toEqual([
      { kind: "sma", period: 20 },
      { kind: "ema", period: 50 },
      { kind: "vwap" },
      { kind: "bb", period: 20 },
      { kind: "rsi", period: 14 },
      { kind: "macd" },
    ]);
  });

  it("reads it from a real query string, with the comma escaped or not", () => {
    const escaped = new URLSearchParams("?tf=5m&ind=rsi14%2Csma20").get("ind");
    const plain = new URLSearchParams("?ind=rsi14,sma20").get("ind");
    expect(parseIndicators(escaped)).toEqual(parseIndicators(plain));
    expect(parseIndicators(plain).map(indicatorToken)).toEqual(["sma20", "rsi14"]);
  });

  it("puts them in canonical order: overlays by kind and period, then the panes", () => {
    expect(formatIndicators(parseIndicators("macd,rsi14,sma200,bb20,vwap,ema9,sma50"))).toBe(
      "sma50,sma200,ema9,vwap,bb20,rsi14,macd",
    );
  });

  it("ignores what it cannot read", () => {
    const junk = [
      "foo",
      "sma1",
      "sma501",
      "sma0",
      "sma-5",
      "sma20.5",
      "sma1e2",
      "vwap5",
      "macd12",
      "20sma",
      "",
      " ",
      "toString",
      "constructor10",
      "__proto__",
    ];
    expect(parseIndicators(junk.join(","))).toEqual([]);
    expect(parseIndicators(`${junk.join(",")},ema50`)).toEqual([{ kind: "ema", period: 50 }]);
  });

  it("bounds periods to 2..500", () => {
    expect(parseIndicators("sma2,sma500,sma1,sma501").map(indicatorToken)).toEqual([
      "sma2",
      "sma500",
    ]);
  });

  it("forgives case, spaces and leading zeros, and writes them back canonically", () => {
    expect(formatIndicators(parseIndicators(" SMA020 , Vwap,ema9 "))).toBe("sma20,ema9,vwap");
  });

  it("gives a bare name its usual period", () => {
    expect(parseIndicators("rsi,sma,ema,bb").map(indicatorToken)).toEqual([
      "sma20",
      "ema20",
      "bb20",
      "rsi14",
    ]);
  });

  it("drops repeats, including the same period spelt twice", () => {
    expect(formatIndicators(parseIndicators("sma20,rsi,sma020,rsi14,sma50"))).toBe(
      "sma20,sma50,rsi14",
    );
  });

  it(`keeps the first ${MAX_INDICATORS} listed when there are more`, () => {
    const many = Array.from({ length: 30 }, (_, i) => `sma${100 - i}`).join(",");
    const specs = parseIndicators(`${many},rsi14`);
    expect(specs).toHaveLength(MAX_INDICATORS);
    expect(specs.map(indicatorToken)).toEqual(
      Array.from({ length: MAX_INDICATORS }, (_, i) => `sma${100 - MAX_INDICATORS + 1 + i}`),
    );
  });

  it("reads nothing as no indicators", () => {
    expect(parseIndicators(null)).toEqual([]);
    expect(parseIndicators(undefined)).toEqual([]);
    expect(parseIndicators("")).toEqual([]);
    expect(parseIndicators(",,,")).toEqual([]);
  });
});

describe("formatIndicators", () => {
  it("writes the issue's example back as it was", () => {
    const param = "sma20,ema50,vwap,bb20,rsi14,macd";
    expect(formatIndicators(parseIndicators(param))).toBe(param);
  });

  it("is empty for no indicators, so the parameter can be dropped", () => {
    expect(formatIndicators([])).toBe("");
  });

  it("leaves out specs no link could carry", () => {
    const specs: IndicatorSpec[] = [
      { kind: "sma", period: 1 },
      { kind: "ema", period: 2.5 },
      { kind: "rsi", period: 1000 },
      { kind: "bb", period: Number.NaN },
      { kind: "macd" },
    ];
    expect(formatIndicators(specs)).toBe("macd");
  });

  it("round-trips: what it writes reads back as the canonical list", () => {
    const specs: IndicatorSpec[] = [
      { kind: "rsi", period: 7 },
      { kind: "vwap" },
      { kind: "sma", period: 200 },
      { kind: "sma", period: 50 },
      { kind: "macd" },
      { kind: "vwap" },
    ];
    expect(parseIndicators(formatIndicators(specs))).toEqual(canonicalIndicators(specs));
    expect(formatIndicators(canonicalIndicators(specs))).toBe(formatIndicators(specs));
  });
});

describe("parseIndicatorToken", () => {
  it("reads one token or nothing", () => {
    expect(parseIndicatorToken("bb30")).toEqual({ kind: "bb", period: 30 });
    expect(parseIndicatorToken("macd")).toEqual({ kind: "macd" });
    expect(parseIndicatorToken("obv")).toBeUndefined();
  });
});
