/** Ranking of symbol suggestions: what a trader types first is a ticker, then a name. */

export type SymbolInfo = { symbol: string; name: string; sector: string };

/**
 * The best `limit` matches for `query`, best first: the exact symbol, then symbols that start
 * with it, then names with a word that starts with it, then names or symbols that contain it.
 * Ties keep the directory's order.
 */
export function searchSymbols(list: readonly SymbolInfo[], query: string, limit = 8): SymbolInfo[] {
  const q = query.trim();
  if (q === "") return [];
  const upper = q.toUpperCase();
  const lower = q.toLowerCase();
  const ranked: { info: SymbolInfo; rank: number; index: number }[] = [];
  list.forEach((info, index) => {
    const rank = rankOf(info, upper, lower);
    if (rank >= 0) ranked.push({ info, rank, index });
  });
  ranked.sort((a, b) => a.rank - b.rank || a.index - b.index);
  return ranked.slice(0, limit).map((r) => r.info);
}

function rankOf(info: SymbolInfo, upper: string, lower: string): number {
  if (info.symbol === upper) return 0;
  if (info.symbol.startsWith(upper)) return 1;
  const name = info.name.toLowerCase();
  if (name.startsWith(lower)) return 2;
  if (name.includes(` ${lower}`)) return 3;
  if (lower.length >= 2 && name.includes(lower)) return 4;
  if (upper.length >= 2 && info.symbol.includes(upper)) return 5;
  return -1;
}
