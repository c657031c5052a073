import { describe, expect, it } from "vitest";
import { SECTORS, SYMBOL_ROWS } from "../../../app/data/symbols.ts";
import { symbolKind } from "./symbol-kind.ts";

/** The pairs the app knows (shared/data/crypto-pairs.csv). */
const KNOWN_PAIRS = [
  "BTC-USD",
  "ETH-USD",
  "SOL-USD",
  "XRP-USD",
  "DOGE-USD",
  "ADA-USD",
  "AVAX-USD",
  "LINK-USD",
  "DOT-USD",
  "LTC-USD",
  "BCH-USD",
  "UNI-USD",
  "XLM-USD",
  "ATOM-USD",
  "AAVE-USD",
];

describe("symbolKind", () => {
  it.each(KNOWN_PAIRS)("reads %s as crypto", (symbol) => {
    expect(symbolKind(symbol)).toBe("crypto");
  });

  it.each(["BNB-USDT", "ETH-USDC", "BTC-EUR", "ETH-BTC", "SOL-ETH", "BTC-GBP", "btc-usd"])(
    "reads %s, quoted in another currency or coin, as crypto",
    (symbol) => {
      expect(symbolKind(symbol)).toBe("crypto");
    },
  );

  it.each(["AAPL", "BRK.B", "BRK-B", "BF.B", "SPY", "A", "9988", "X.Y-Z", "USD", "-USD", "USD-"])(
    "reads %s as a stock",
    (symbol) => {
      expect(symbolKind(symbol)).toBe("stock");
    },
  );

  it("agrees with the symbol directory: its Crypto rows are crypto, every other row a stock", () => {
    const crypto = SECTORS.indexOf("Crypto");
    const wrong = SYMBOL_ROWS.filter(
      ([symbol, , sector]) => (symbolKind(symbol) === "crypto") !== (sector === crypto),
    );
    expect(wrong).toEqual([]);
    expect(SYMBOL_ROWS.filter((row) => row[2] === crypto).length).toBeGreaterThanOrEqual(15);
  });
});
