import { describe, expect, it } from "vitest";
import { newList, type StoredList, viewOf } from "./list.ts";

describe("newList", () => {
  it("keeps order, drops duplicates, names the list by default", () => {
    expect(newList("abcdefghijklmnop", undefined, ["MSFT", "AAPL", "MSFT"])).toEqual({
      id: "abcdefghijklmnop",
      name: "Watchlist",
      symbols: ["MSFT", "AAPL"],
      version: 1,
    });
    expect(newList("abcdefghijklmnop", "Tech", undefined)).toMatchObject({
      name: "Tech",
      symbols: [],
    });
  });
});

describe("viewOf", () => {
  it("leaves out what only the room may know", () => {
    const list: StoredList = {
      ...newList("abcdefghijklmnop", "Tech", ["AAPL"]),
      keyHash: "f".repeat(64),
      created: 1,
    };
    expect(viewOf(list)).toEqual({
      id: "abcdefghijklmnop",
      name: "Tech",
      symbols: ["AAPL"],
      version: 1,
    });
  });
});
