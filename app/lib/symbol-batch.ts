/**
 * What a person typed or pasted into "Add symbol", read as symbols: one, or a batch such as
 * `AAPL, MSFT nvda` (commas, semicolons, spaces or new lines between them, any case).
 */
import { canonicalSymbol, clip, LIMITS } from "../../party/protocol/index.ts";

export type SymbolBatch = {
  /** Canonical symbols to add, each once, in the order given, none of them in the list yet. */
  add: string[];
  /** What cannot be a symbol, as typed. */
  invalid: string[];
  /** Symbols that the list holds already. */
  already: string[];
};

/** The pieces of what was typed, split on commas, semicolons and white space. */
export function splitSymbols(text: string): string[] {
  return text.split(/[\s,;]+/).filter((part) => part !== "");
}

export function readSymbols(text: string, list: readonly string[]): SymbolBatch {
  const batch: SymbolBatch = { add: [], invalid: [], already: [] };
  for (const part of splitSymbols(text)) {
    const symbol = canonicalSymbol(part);
    if (symbol === null) {
      if (!batch.invalid.includes(part)) batch.invalid.push(part);
    } else if (list.includes(symbol)) {
      if (!batch.already.includes(symbol)) batch.already.push(symbol);
    } else if (!batch.add.includes(symbol)) {
      batch.add.push(symbol);
    }
  }
  return batch;
}

/** Why nothing of a batch can be added, or null when its `add` can go. */
export function batchProblem(batch: SymbolBatch, list: readonly string[]): string | null {
  const room = LIMITS.watchlistSymbols - list.length;
  if (batch.add.length > room) {
    return `A list holds at most ${LIMITS.watchlistSymbols} symbols: ${batch.add.length} new ones do not fit in the ${room} places left.`;
  }
  if (batch.add.length > 0) return null;
  if (batch.invalid.length > 0) return invalidText(batch.invalid);
  if (batch.already.length > 0) {
    return batch.already.length === 1
      ? `${batch.already[0]} is already in this list.`
      : `${joinNames(batch.already)} are already in this list.`;
  }
  return "Type a symbol such as AAPL or BTC-USD.";
}

/** Says which of what was typed cannot be a symbol. */
export function invalidText(invalid: readonly string[]): string {
  const quoted = invalid.slice(0, 3).map((part) => `“${clip(part)}”`);
  if (invalid.length > 3) quoted.push(`${invalid.length - 3} more`);
  const subject =
    invalid.length === 1 ? `${quoted[0]} is not a symbol` : `${joinNames(quoted)} are not symbols`;
  return `${subject}: use 1 to 15 letters, digits, dots or dashes.`;
}

function joinNames(names: readonly string[]): string {
  return names.length <= 1
    ? (names[0] ?? "")
    : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}
