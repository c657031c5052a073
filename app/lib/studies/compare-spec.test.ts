import { describe, expect, it } from "vitest";
import { formatCompare, MAX_COMPARED, parseCompare } from "./compare-spec.ts";

describe("parseCompare", () => {
  it("reads canonical symbols in the order given", () => {
    expect(parseCompare("msft, NVDA,brk.b", "AAPL")).toEqual(["MSFT", "NVDA", "BRK.B"]);
  });

  it("drops repeats, the chart's own symbol and what cannot be a symbol", () => {
    expect(parseCompare("MSFT,msft,AAPL,$$$,,NVDA", "AAPL")).toEqual(["MSFT", "NVDA"]);
  });

  it(`keeps the first ${MAX_COMPARED}`, () => {
    expect(parseCompare("A,B,C,D,E,F", "X")).toEqual(["A", "B", "C", "D"].slice(0, MAX_COMPARED));
  });

  it("reads nothing from an empty or missing value", () => {
    expect(parseCompare(null, "AAPL")).toEqual([]);
    expect(parseCompare("", "AAPL")).toEqual([]);
  });

  it("round-trips through the URL form", () => {
    const symbols = parseCompare("MSFT,NVDA", "AAPL");
    expect(parseCompare(formatCompare(symbols), "AAPL")).toEqual(symbols);
    expect(formatCompare([])).toBe("");
  });
});
