import { describe, expect, it } from "vitest";
import { type SymbolInfo, searchSymbols } from "./symbol-search.ts";

const list: SymbolInfo[] = [
  { symbol: "AA", name: "Alcoa", sector: "Materials" },
  { symbol: "AAPL", name: "Apple Inc.", sector: "Information Technology" },
  { symbol: "MSFT", name: "Microsoft", sector: "Information Technology" },
  { symbol: "PLD", name: "Prologis", sector: "Real Estate" },
  { symbol: "APLE", name: "Apple Hospitality", sector: "Real Estate" },
  { symbol: "BTC-USD", name: "Bitcoin", sector: "Crypto" },
  { symbol: "BRK.B", name: "Berkshire Hathaway", sector: "Financials" },
];

const symbols = (query: string) => searchSymbols(list, query).map((s) => s.symbol);

describe("searchSymbols", () => {
  it("puts the exact symbol first, then symbols that start with the query", () => {
    expect(symbols("aa")).toEqual(["AA", "AAPL"]);
  });

  it("finds names by the start of a word", () => {
    expect(symbols("hath")).toEqual(["BRK.B"]);
    expect(symbols("apple")).toEqual(["AAPL", "APLE"]);
  });

  it("finds symbols with a dot or a dash", () => {
    expect(symbols("brk.")).toEqual(["BRK.B"]);
    expect(symbols("btc")).toEqual(["BTC-USD"]);
  });

  it("suggests nothing for an empty query and limits the list", () => {
    expect(symbols("  ")).toEqual([]);
    expect(searchSymbols(list, "a", 2)).toHaveLength(2);
  });
});
