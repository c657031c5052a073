/**
 * The indicators a chart shows, as they travel in its URL (`?ind=sma20,ema50,vwap,bb20,rsi14,
 * macd`), so that a shared link shows the same chart. Anything unreadable is dropped rather
 * than refused: a link edited by hand still opens. This module holds no indicator maths, so the
 * page can read its URL without loading them.
 */

/** Indicators drawn with a chosen lookback. */
export type PeriodKind = "sma" | "ema" | "bb" | "rsi";

export type IndicatorSpec =
  | { kind: PeriodKind; period: number }
  | { kind: "vwap" }
  | { kind: "macd" };

export type IndicatorKind = IndicatorSpec["kind"];

/** Canonical order: the price-pane overlays first, then the indicators with panes of their own. */
export const INDICATOR_KINDS: readonly IndicatorKind[] = [
  "sma",
  "ema",
  "vwap",
  "bb",
  "rsi",
  "macd",
];

export const MIN_PERIOD = 2;
export const MAX_PERIOD = 500;

/** More lines than this stop being readable, and every one costs work on each tick. */
export const MAX_INDICATORS = 10;

/** The period a kind takes when the URL names it without one (`rsi` is `rsi14`). */
export const DEFAULT_PERIODS: Readonly<Record<PeriodKind, number>> = {
  sma: 20,
  ema: 20,
  bb: 20,
  rsi: 14,
};

function isPeriodKind(kind: string): kind is PeriodKind {
  return Object.hasOwn(DEFAULT_PERIODS, kind);
}

function isValidPeriod(period: number): boolean {
  return Number.isInteger(period) && period >= MIN_PERIOD && period <= MAX_PERIOD;
}

/** The spec as one URL token, `sma20` or `vwap`; also a stable key for the chart's series. */
export function indicatorToken(spec: IndicatorSpec): string {
  return "period" in spec ? `${spec.kind}${spec.period}` : spec.kind;
}

/** One URL token as a spec, or undefined if it names nothing we draw. */
export function parseIndicatorToken(token: string): IndicatorSpec | undefined {
  const match = /^([a-z]+)(\d{0,3})$/.exec(token.trim().toLowerCase());
  if (match === null) return undefined;
  const [, kind = "", digits = ""] = match;
  if (kind === "vwap" || kind === "macd") return digits === "" ? { kind } : undefined;
  if (!isPeriodKind(kind)) return undefined;
  const period = digits === "" ? DEFAULT_PERIODS[kind] : Number(digits);
  return isValidPeriod(period) ? { kind, period } : undefined;
}

function rank(spec: IndicatorSpec): number {
  return (
    INDICATOR_KINDS.indexOf(spec.kind) * (MAX_PERIOD + 1) + ("period" in spec ? spec.period : 0)
  );
}

/**
 * Valid specs without repeats, in canonical order. When there are too many, the first ones
 * listed are kept, since those are the ones a person chose first.
 */
export function canonicalIndicators(specs: readonly IndicatorSpec[]): IndicatorSpec[] {
  const seen = new Map<string, IndicatorSpec>();
  for (const spec of specs) {
    if (seen.size >= MAX_INDICATORS) break;
    if ("period" in spec && !isValidPeriod(spec.period)) continue;
    if (!INDICATOR_KINDS.includes(spec.kind)) continue;
    const token = indicatorToken(spec);
    if (!seen.has(token)) seen.set(token, spec);
  }
  return [...seen.values()].sort((a, b) => rank(a) - rank(b));
}

/** The `ind` parameter's value as specs; null or empty is no indicators. */
export function parseIndicators(param: string | null | undefined): IndicatorSpec[] {
  if (!param) return [];
  const specs: IndicatorSpec[] = [];
  for (const token of param.split(",")) {
    const spec = parseIndicatorToken(token);
    if (spec !== undefined) specs.push(spec);
  }
  return canonicalIndicators(specs);
}

/** Specs as the `ind` parameter's value, canonical; empty when there are none (drop the parameter). */
export function formatIndicators(specs: readonly IndicatorSpec[]): string {
  return canonicalIndicators(specs).map(indicatorToken).join(",");
}
