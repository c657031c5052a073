/**
 * Whether a symbol follows the NYSE calendar or trades around the clock. Crypto pairs are named
 * BASE-QUOTE with a currency or a coin as the quote (BTC-USD, BNB-USDT, ETH-BTC), as the
 * exchanges' feeds and the symbol directory write them; US share classes use a dot (BRK.B), and
 * where a dash does appear in a ticker (BRK-B on some sites) it is followed by a class letter,
 * never by a currency.
 */

export type SymbolKind = "stock" | "crypto";

const QUOTE_CURRENCIES = ["USD", "USDT", "USDC", "EUR", "GBP", "BTC", "ETH"] as const;
const CRYPTO_PAIR = new RegExp(`^[A-Z0-9]+-(${QUOTE_CURRENCIES.join("|")})$`, "i");

export function symbolKind(symbol: string): SymbolKind {
  return CRYPTO_PAIR.test(symbol) ? "crypto" : "stock";
}
