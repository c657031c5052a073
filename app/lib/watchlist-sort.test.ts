import { describe, expect, it } from "vitest";
import type { Quote } from "../../party/protocol/index.ts";
import {
  nextSort,
  parseSort,
  type Sort,
  sameOrder,
  sortSymbols,
  sortValue,
  writeSort,
} from "./watchlist-sort.ts";

function quote(fields: Partial<Quote>): Quote {
  return {
    price: 100,
    open: 100,
    high: 110,
    low: 90,
    prevClose: 100,
    change: 0,
    changePct: 0,
    volume: 1000,
    time: 0,
    ...fields,
  };
}

const SYMBOLS = ["AAPL", "MSFT", "BTC-USD", "NVDA"];
const QUOTES: (Quote | null)[] = [
  quote({
    price: 187,
    change: 1.2,
    changePct: 0.64,
    volume: 5e6,
    session: "post",
    low: 180,
    high: 190,
  }),
  quote({
    price: 420,
    change: -3,
    changePct: -0.71,
    volume: 2e6,
    session: "regular",
    low: 410,
    high: 430,
    low52: 300,
    high52: 460,
  }),
  quote({
    price: 67000,
    change: 800,
    changePct: 1.21,
    volume: 12.5,
    session: "continuous",
    low: 66000,
    high: 68000,
    low52: 25000,
    high52: 73000,
  }),
  null,
];

const sorted = (sort: Sort) => sortSymbols(SYMBOLS, QUOTES, sort);

describe("parseSort and writeSort", () => {
  it("reads a column and a direction from the address, and ignores what it does not know", () => {
    expect(parseSort("changePct", "desc")).toEqual({ key: "changePct", dir: "desc" });
    expect(parseSort("volume", null)).toEqual({ key: "volume", dir: "asc" });
    expect(parseSort("volume", "sideways")).toEqual({ key: "volume", dir: "asc" });
    expect(parseSort("price; drop table", "desc")).toBeNull();
    expect(parseSort("__proto__", "desc")).toBeNull();
    expect(parseSort(null, "desc")).toBeNull();
  });

  it("writes the sort beside the other parameters and takes it out again", () => {
    const params = new URLSearchParams("tf=5m");
    expect(writeSort(params, { key: "changePct", dir: "desc" }).toString()).toBe(
      "tf=5m&sort=changePct&dir=desc",
    );
    expect(writeSort(params, null).toString()).toBe("tf=5m");
  });
});

describe("nextSort", () => {
  it("goes up, then down, then back to the list's order; another column starts up", () => {
    const up = nextSort(null, "last");
    expect(up).toEqual({ key: "last", dir: "asc" });
    const down = nextSort(up, "last");
    expect(down).toEqual({ key: "last", dir: "desc" });
    expect(nextSort(down, "last")).toBeNull();
    expect(nextSort(down, "volume")).toEqual({ key: "volume", dir: "asc" });
  });
});

describe("sortSymbols", () => {
  it("orders by a figure either way, rows without it last both ways", () => {
    expect(sorted({ key: "changePct", dir: "desc" })).toEqual(["BTC-USD", "AAPL", "MSFT", "NVDA"]);
    expect(sorted({ key: "changePct", dir: "asc" })).toEqual(["MSFT", "AAPL", "BTC-USD", "NVDA"]);
    expect(sorted({ key: "last", dir: "desc" })).toEqual(["BTC-USD", "MSFT", "AAPL", "NVDA"]);
    expect(sorted({ key: "volume", dir: "asc" })).toEqual(["BTC-USD", "MSFT", "AAPL", "NVDA"]);
    expect(sorted({ key: "change", dir: "asc" })).toEqual(["MSFT", "AAPL", "BTC-USD", "NVDA"]);
  });

  it("sorts symbols by name, whatever their quotes", () => {
    expect(sorted({ key: "symbol", dir: "asc" })).toEqual(["AAPL", "BTC-USD", "MSFT", "NVDA"]);
    expect(sorted({ key: "symbol", dir: "desc" })).toEqual(["NVDA", "MSFT", "BTC-USD", "AAPL"]);
  });

  it("sorts ranges by where the price sits in them, and leaves rows without a 52-week range last", () => {
    // AAPL at 187 of 180–190 is 70% up its day; MSFT and BTC are halfway up theirs.
    expect(sorted({ key: "dayRange", dir: "desc" })).toEqual(["AAPL", "MSFT", "BTC-USD", "NVDA"]);
    // MSFT at 420 of 300–460 is 75%; BTC at 67,000 of 25,000–73,000 is 87.5%; AAPL has none.
    expect(sorted({ key: "range52", dir: "desc" })).toEqual(["BTC-USD", "MSFT", "AAPL", "NVDA"]);
    expect(sorted({ key: "range52", dir: "asc" })).toEqual(["MSFT", "BTC-USD", "AAPL", "NVDA"]);
  });

  it("puts open markets first by market state", () => {
    expect(sorted({ key: "session", dir: "asc" })).toEqual(["MSFT", "BTC-USD", "AAPL", "NVDA"]);
    expect(sorted({ key: "session", dir: "desc" })).toEqual(["AAPL", "BTC-USD", "MSFT", "NVDA"]);
  });

  it("keeps the list's order between equal rows, and never changes its input", () => {
    const symbols = ["C", "A", "B"];
    const same = [quote({ changePct: 1 }), quote({ changePct: 1 }), quote({ changePct: 1 })];
    expect(sortSymbols(symbols, same, { key: "changePct", dir: "desc" })).toEqual(["C", "A", "B"]);
    expect(sortSymbols(symbols, same, { key: "changePct", dir: "asc" })).toEqual(["C", "A", "B"]);
    expect(symbols).toEqual(["C", "A", "B"]);
  });

  it("treats a session it does not know, or a range that is not numbers, as missing", () => {
    const odd = quote({ session: "lunch" as never, low52: "cheap" as never, high52: 10 });
    expect(sortValue("session", "X", odd)).toBeNull();
    expect(sortValue("range52", "X", odd)).toBeNull();
    expect(sortValue("last", "X", null)).toBeNull();
  });
});

describe("sameOrder", () => {
  it("compares orders, not arrays", () => {
    expect(sameOrder(["A", "B"], ["A", "B"])).toBe(true);
    expect(sameOrder(["A", "B"], ["B", "A"])).toBe(false);
    expect(sameOrder(["A"], ["A", "B"])).toBe(false);
  });
});
