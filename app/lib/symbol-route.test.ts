import { describe, expect, it } from "vitest";
import { decodeSegment, symbolOfPath } from "./symbol-route.ts";

describe("symbolOfPath", () => {
  it("reads the symbol page's symbol, in its canonical spelling", () => {
    expect(symbolOfPath("/s/AAPL")).toBe("AAPL");
    expect(symbolOfPath("/s/btc-usd/")).toBe("BTC-USD");
    expect(symbolOfPath("/s/BRK%2EB")).toBe("BRK.B");
  });

  it("is null for other pages and for what cannot be a symbol", () => {
    expect(symbolOfPath("/")).toBeNull();
    expect(symbolOfPath("/w/abc")).toBeNull();
    expect(symbolOfPath("/s/")).toBeNull();
    expect(symbolOfPath("/s/AAPL/news")).toBeNull();
    expect(symbolOfPath("/s/not%20a%20symbol")).toBeNull();
  });
});

describe("decodeSegment", () => {
  it("leaves a segment that is not valid percent-encoding as it is", () => {
    expect(decodeSegment("BTC%2DUSD")).toBe("BTC-USD");
    expect(decodeSegment("%E0%A4%A")).toBe("%E0%A4%A");
  });
});
