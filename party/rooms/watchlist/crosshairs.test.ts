import { describe, expect, it } from "vitest";
import { CrosshairBoard, crosshairIntervalMs } from "./crosshairs.ts";

describe("crosshairIntervalMs", () => {
  it("is ten frames a second for a few people, then slows with the audience to one a second", () => {
    expect([1, 2, 5].map(crosshairIntervalMs)).toEqual([100, 100, 100]);
    expect([10, 25, 50, 500].map(crosshairIntervalMs)).toEqual([200, 500, 1000, 1000]);
  });
});

describe("CrosshairBoard", () => {
  it("keeps each person's latest place, and the changes since the last take", () => {
    const board = new CrosshairBoard();
    expect(board.move("u1", { symbol: "AAPL", time: 1, price: 10 })).toBe(true);
    expect(board.move("u1", { symbol: "AAPL", time: 2, price: 11 })).toBe(true);
    expect(board.move("u2", { symbol: "MSFT", time: 2, price: 20 })).toBe(true);
    expect(board.take()).toEqual([
      { user: "u1", symbol: "AAPL", time: 2, price: 11 },
      { user: "u2", symbol: "MSFT", time: 2, price: 20 },
    ]);
    expect(board.take()).toEqual([]);
    expect(board.move("u1", { symbol: "AAPL", time: 2, price: 11 })).toBe(false);
    expect(board.move("u2", null)).toBe(true);
    expect(board.drop("u2")).toBe(false);
    expect(board.take()).toEqual([{ user: "u2", symbol: null }]);
    expect(board.current()).toEqual([{ user: "u1", symbol: "AAPL", time: 2, price: 11 }]);
  });
});
