import { describe, expect, it } from "vitest";
import { batchProblem, invalidText, readSymbols, splitSymbols } from "./symbol-batch.ts";

describe("splitSymbols", () => {
  it("splits on commas, semicolons, spaces and new lines", () => {
    expect(splitSymbols("AAPL, MSFT nvda")).toEqual(["AAPL", "MSFT", "nvda"]);
    expect(splitSymbols(" aapl\nmsft\r\n\tBRK.B;btc-usd,, ")).toEqual([
      "aapl",
      "msft",
      "BRK.B",
      "btc-usd",
    ]);
    expect(splitSymbols("  ")).toEqual([]);
  });
});

describe("readSymbols", () => {
  it("canonicalises, drops duplicates and symbols already listed, and keeps the order", () => {
    expect(readSymbols("AAPL, MSFT nvda aapl TSLA", ["TSLA"])).toEqual({
      add: ["AAPL", "MSFT", "NVDA"],
      invalid: [],
      already: ["TSLA"],
    });
  });

  it("reports what cannot be a symbol, as typed, without adding it", () => {
    const batch = readSymbols("aapl $$$ msft toolongtobeasymbol1", []);
    expect(batch.add).toEqual(["AAPL", "MSFT"]);
    expect(batch.invalid).toEqual(["$$$", "toolongtobeasymbol1"]);
    expect(invalidText(batch.invalid)).toBe(
      "“$$$” and “toolongtobeasymbol1” are not symbols: use 1 to 15 letters, digits, dots or dashes.",
    );
  });
});

describe("batchProblem", () => {
  it("lets a batch with something to add go", () => {
    expect(batchProblem(readSymbols("aapl $$$", []), [])).toBeNull();
  });

  it("says why nothing can be added", () => {
    expect(batchProblem(readSymbols("$$$ @@", []), [])).toContain("are not symbols");
    expect(batchProblem(readSymbols("aapl msft", ["AAPL", "MSFT"]), ["AAPL", "MSFT"])).toBe(
      "AAPL and MSFT are already in this list.",
    );
  });

  it("refuses a batch that would take the list past 50 symbols, before sending it", () => {
    const list = Array.from({ length: 48 }, (_, i) => `S${i}`);
    expect(batchProblem(readSymbols("AAPL MSFT", list), list)).toBeNull();
    expect(batchProblem(readSymbols("AAPL MSFT NVDA", list), list)).toBe(
      "A list holds at most 50 symbols: 3 new ones do not fit in the 2 places left.",
    );
  });
});
