import { describe, expect, it } from "vitest";
import { parseIndicators } from "../indicators/indicator-spec.ts";
import { indicatorPlot, legendFigures, plotValues } from "./indicator-plot.ts";

const fixed2 = (n: number) => n.toFixed(2);

describe("indicatorPlot", () => {
  it("puts the averages and bands on the candles, RSI and MACD in panes of their own", () => {
    const panes = parseIndicators("sma20,ema50,vwap,bb20,rsi14,macd").map(
      (spec) => `${indicatorPlot(spec).name}: ${indicatorPlot(spec).pane}`,
    );
    expect(panes).toEqual([
      "SMA 20: price",
      "EMA 50: price",
      "VWAP: price",
      "BB 20 2: price",
      "RSI 14: own",
      "MACD 12 26 9: own",
    ]);
  });

  it("draws one number per line, in the lines' order", () => {
    for (const spec of parseIndicators("sma20,bb20,rsi14,macd")) {
      const lines = indicatorPlot(spec).lines.length;
      expect(plotValues(spec.kind, undefined)).toHaveLength(lines);
    }
    expect(plotValues("bb", { middle: 2, upper: 3, lower: 1 })).toEqual([3, 2, 1]);
    expect(plotValues("macd", { macd: 1, signal: 0.5, histogram: 0.5 })).toEqual([0.5, 1, 0.5]);
    expect(plotValues("sma", 7)).toEqual([7]);
  });

  it("keeps RSI between 0 and 100, with its 70 and 30 levels", () => {
    const [rsi] = parseIndicators("rsi14");
    if (!rsi) throw new Error("rsi14 did not parse");
    expect(indicatorPlot(rsi)).toMatchObject({ range: { min: 0, max: 100 }, levels: [70, 30] });
  });
});

describe("legendFigures", () => {
  it("reads MACD as line, signal, histogram and the bands middle first", () => {
    expect(legendFigures("macd", { macd: 1.5, signal: 1, histogram: 0.5 }, fixed2)).toBe(
      "1.50  1.00  0.50",
    );
    expect(legendFigures("bb", { middle: 2, upper: 3, lower: 1 }, fixed2)).toBe("2.00  3.00  1.00");
  });

  it("shows a dash where there is no value yet", () => {
    expect(legendFigures("rsi", undefined, fixed2)).toBe("\u2013");
    expect(
      legendFigures("macd", { macd: 1, signal: undefined, histogram: undefined }, fixed2),
    ).toBe("1.00  \u2013  \u2013");
  });
});
