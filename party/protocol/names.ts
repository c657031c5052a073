/** Names: symbols and watchlist ids, and the canonical form a room id must have. */

export const SYMBOL_PATTERN = /^[A-Z0-9][A-Z0-9.-]{0,14}$/;
export const WATCHLIST_ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

export type SymbolCheck =
  | { ok: true; symbol: string }
  | { ok: false; message: string; canonical?: string };

/**
 * Checks a symbol as it appears in a room id or a form. Only the canonical form (trimmed,
 * upper case) is accepted as a room id; anything that would canonicalise to a valid symbol
 * gets a message naming it.
 */
export function checkSymbol(raw: string): SymbolCheck {
  const canonical = canonicalSymbol(raw);
  if (canonical === null) {
    return {
      ok: false,
      message: `"${clip(raw)}" is not a symbol: use 1 to 15 letters, digits, dots or dashes, e.g. AAPL, BRK.B or BTC-USD`,
    };
  }
  if (canonical !== raw) {
    return { ok: false, canonical, message: `symbols are upper case: use ${canonical}` };
  }
  return { ok: true, symbol: raw };
}

/** The canonical form of a symbol (trimmed, upper case), or null when it cannot be one. */
export function canonicalSymbol(raw: string): string | null {
  const canonical = raw.trim().toUpperCase();
  return SYMBOL_PATTERN.test(canonical) ? canonical : null;
}

export function isWatchlistId(raw: string): boolean {
  return WATCHLIST_ID_PATTERN.test(raw);
}

export function clip(text: string): string {
  return text.length > 24 ? `${text.slice(0, 24)}…` : text;
}
