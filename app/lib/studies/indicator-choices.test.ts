import { describe, expect, it } from "vitest";
import { MAX_INDICATORS, parseIndicators } from "../indicators/indicator-spec.ts";
import { INDICATOR_CHOICES, nextIndicator } from "./indicator-choices.ts";

describe("nextIndicator", () => {
  it("adds a kind with its default period", () => {
    expect(nextIndicator("rsi", [])).toEqual({ kind: "rsi", period: 14 });
    expect(nextIndicator("sma", [])).toEqual({ kind: "sma", period: 20 });
  });

  it("adds the same kind again with the next usual period", () => {
    expect(nextIndicator("sma", parseIndicators("sma20"))).toEqual({ kind: "sma", period: 50 });
    expect(nextIndicator("sma", parseIndicators("sma20,sma50"))).toEqual({
      kind: "sma",
      period: 100,
    });
  });

  it("adds VWAP and MACD once", () => {
    expect(nextIndicator("vwap", [])).toEqual({ kind: "vwap" });
    expect(nextIndicator("vwap", parseIndicators("vwap"))).toBeNull();
    expect(nextIndicator("macd", parseIndicators("macd"))).toBeNull();
  });

  it(`adds nothing past ${MAX_INDICATORS}`, () => {
    const full = parseIndicators("sma20,sma50,sma100,sma200,ema20,ema50,ema100,ema200,rsi14,bb20");
    expect(full).toHaveLength(MAX_INDICATORS);
    expect(nextIndicator("macd", full)).toBeNull();
  });

  it("offers every kind the URL can name", () => {
    expect(INDICATOR_CHOICES.map((c) => c.kind)).toEqual([
      "sma",
      "ema",
      "vwap",
      "bb",
      "rsi",
      "macd",
    ]);
  });
});
