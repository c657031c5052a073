/**
 * How each indicator is drawn: where (on the candles or in a pane of its own below volume),
 * under what name, and which numbers of its value make which line. Pure, so that the chart
 * wiring stays thin and this is tested on its own.
 */
import type { BollingerValue } from "../indicators/bollinger-bands.ts";
import type { IndicatorKind, IndicatorSpec } from "../indicators/indicator-spec.ts";
import type { MacdValue } from "../indicators/macd.ts";

export type IndicatorValue = number | BollingerValue | MacdValue;

export type PlotLine = {
  /** A histogram draws columns from zero, coloured by sign; a line joins the values. */
  style: "line" | "histogram";
  /** Dimmer than the indicator's own colour: Bollinger's outer bands, MACD's signal. */
  role: "main" | "band" | "signal";
};

export type IndicatorPlot = {
  pane: "price" | "own";
  /** As the legend shows it: "SMA 20", "BB 20 2", "MACD 12 26 9". */
  name: string;
  /** In the order `plotValues` returns numbers; also the order they are drawn in. */
  lines: readonly PlotLine[];
  /** A fixed range for the pane (RSI's 0 to 100), or none to fit the values. */
  range?: { min: number; max: number };
  /** Reference levels drawn across the pane (RSI's 70 and 30). */
  levels?: readonly number[];
};

const LINE: PlotLine = { style: "line", role: "main" };
const BAND: PlotLine = { style: "line", role: "band" };

/** What MACD draws with the periods it is made of; the URL's `macd` is the usual 12, 26, 9. */
export const MACD_PERIODS = { fast: 12, slow: 26, signal: 9 } as const;

/** Bollinger's width in standard deviations; the URL names only the period. */
export const BOLLINGER_K = 2;

export const RSI_LEVELS = [70, 30] as const;

export function indicatorPlot(spec: IndicatorSpec): IndicatorPlot {
  switch (spec.kind) {
    case "sma":
      return { pane: "price", name: `SMA ${spec.period}`, lines: [LINE] };
    case "ema":
      return { pane: "price", name: `EMA ${spec.period}`, lines: [LINE] };
    case "vwap":
      return { pane: "price", name: "VWAP", lines: [LINE] };
    case "bb":
      return { pane: "price", name: `BB ${spec.period} ${BOLLINGER_K}`, lines: [BAND, LINE, BAND] };
    case "rsi":
      return {
        pane: "own",
        name: `RSI ${spec.period}`,
        lines: [LINE],
        range: { min: 0, max: 100 },
        levels: RSI_LEVELS,
      };
    case "macd": {
      const { fast, slow, signal } = MACD_PERIODS;
      return {
        pane: "own",
        name: `MACD ${fast} ${slow} ${signal}`,
        // The histogram first, so that the two lines are drawn over its columns.
        lines: [{ style: "histogram", role: "main" }, LINE, { style: "line", role: "signal" }],
      };
    }
  }
}

/**
 * The numbers a value draws, one per line of `indicatorPlot(kind)` (undefined: no point there
 * yet, as for MACD's signal while it warms up).
 */
export function plotValues(
  kind: IndicatorKind,
  value: IndicatorValue | undefined,
): (number | undefined)[] {
  if (kind === "bb") {
    const v = typeof value === "object" && "middle" in value ? value : undefined;
    return [v?.upper, v?.middle, v?.lower];
  }
  if (kind === "macd") {
    const v = typeof value === "object" && "macd" in value ? value : undefined;
    return [v?.histogram, v?.macd, v?.signal];
  }
  return [typeof value === "number" ? value : undefined];
}

/** The legend's figures for a value: each line's number, in reading order; "–" for none yet. */
export function legendFigures(
  kind: IndicatorKind,
  value: IndicatorValue | undefined,
  format: (n: number) => string,
): string {
  const numbers = plotValues(kind, value);
  // MACD reads line, signal, histogram, as TradingView's legend does.
  const ordered =
    kind === "macd"
      ? [numbers[1], numbers[2], numbers[0]]
      : kind === "bb"
        ? [numbers[1], numbers[0], numbers[2]]
        : numbers;
  return ordered
    .map((n) => (n === undefined || !Number.isFinite(n) ? "\u2013" : format(n)))
    .join("  ");
}
