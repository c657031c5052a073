/**
 * The symbols a chart compares with its own, as they travel in its URL (`?cmp=MSFT,NVDA`).
 * Anything that cannot be a symbol is dropped rather than refused, so that a link edited by
 * hand still opens.
 */
import { canonicalSymbol } from "../../../party/protocol/names.ts";

/** Each compared symbol is a socket of its own and a line on the chart: a few stay readable. */
export const MAX_COMPARED = 4;

/** The `cmp` parameter's value as symbols: canonical, without repeats or the chart's own. */
export function parseCompare(param: string | null | undefined, own: string): string[] {
  if (!param) return [];
  return canonicalCompare(param.split(","), own);
}

export function canonicalCompare(raw: readonly string[], own: string): string[] {
  const out: string[] = [];
  for (const text of raw) {
    const symbol = canonicalSymbol(text);
    if (symbol === null || symbol === own || out.includes(symbol)) continue;
    out.push(symbol);
    if (out.length === MAX_COMPARED) break;
  }
  return out;
}

/** Symbols as the `cmp` parameter's value; empty when there are none (drop the parameter). */
export function formatCompare(symbols: readonly string[]): string {
  return symbols.join(",");
}
