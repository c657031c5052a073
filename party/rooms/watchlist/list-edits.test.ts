import { describe, expect, it } from "vitest";
import type { WatchlistView } from "../../protocol/index.ts";
import { listEvent } from "./list-edits.ts";

const before: WatchlistView = {
  id: "abcdefghijklmnop",
  name: "Tech",
  symbols: ["AAPL", "MSFT"],
  version: 1,
};

describe("listEvent", () => {
  it("records only the symbols an add brought in", () => {
    const after = { ...before, symbols: ["AAPL", "NVDA", "MSFT"], version: 2 };
    expect(listEvent(before, after, { type: "add", symbols: ["AAPL", "NVDA"] })).toEqual({
      kind: "added",
      symbols: ["NVDA"],
    });
  });

  it("records where a moved symbol ended up, and a rename's new name", () => {
    const moved = { ...before, symbols: ["MSFT", "AAPL"], version: 2 };
    expect(listEvent(before, moved, { type: "move", symbol: "AAPL", index: 5 })).toEqual({
      kind: "moved",
      symbol: "AAPL",
      index: 1,
    });
    const renamed = { ...before, name: "Chips", version: 2 };
    expect(listEvent(before, renamed, { type: "rename", name: "Chips" })).toEqual({
      kind: "renamed",
      name: "Chips",
    });
  });

  it("records the removed symbol", () => {
    const after = { ...before, symbols: ["MSFT"], version: 2 };
    expect(listEvent(before, after, { type: "remove", symbol: "AAPL" })).toEqual({
      kind: "removed",
      symbol: "AAPL",
    });
  });
});
