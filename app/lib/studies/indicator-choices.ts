/** What the indicator picker offers: the kinds, their names, and the period a new one takes. */
import {
  DEFAULT_PERIODS,
  type IndicatorKind,
  type IndicatorSpec,
  indicatorToken,
  MAX_INDICATORS,
} from "../indicators/indicator-spec.ts";

export type IndicatorChoice = { kind: IndicatorKind; short: string; name: string };

export const INDICATOR_CHOICES: readonly IndicatorChoice[] = [
  { kind: "sma", short: "SMA", name: "Simple moving average" },
  { kind: "ema", short: "EMA", name: "Exponential moving average" },
  { kind: "vwap", short: "VWAP", name: "Volume-weighted average price" },
  { kind: "bb", short: "BB", name: "Bollinger bands" },
  { kind: "rsi", short: "RSI", name: "Relative strength index" },
  { kind: "macd", short: "MACD", name: "Moving average convergence divergence" },
];

/** Periods offered in turn when the same kind is added again: the ones traders watch. */
const PERIOD_LADDER = [50, 100, 200, 10, 9, 5, 30, 21];

/**
 * The indicator that adding `kind` to `specs` gives: the default period first, then the next
 * usual one not already shown. Null when it cannot be added (the list is full, or the kind
 * takes no period and is already there).
 */
export function nextIndicator(
  kind: IndicatorKind,
  specs: readonly IndicatorSpec[],
): IndicatorSpec | null {
  if (specs.length >= MAX_INDICATORS) return null;
  const shown = new Set(specs.map(indicatorToken));
  if (kind === "vwap" || kind === "macd") return shown.has(kind) ? null : { kind };
  for (const period of [DEFAULT_PERIODS[kind], ...PERIOD_LADDER]) {
    const spec = { kind, period };
    if (!shown.has(indicatorToken(spec))) return spec;
  }
  return null;
}

export function choiceOf(kind: IndicatorKind): IndicatorChoice {
  return INDICATOR_CHOICES.find((c) => c.kind === kind) ?? { kind, short: kind, name: kind };
}
