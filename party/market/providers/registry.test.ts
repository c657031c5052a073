import { describe, expect, it } from "vitest";
import { EXCHANGES, freshTicks, STOCK_FEEDS } from "./registry.ts";

describe("registry", () => {
  it("holds every adapter under its own name", () => {
    for (const [name, adapter] of Object.entries(EXCHANGES)) expect(adapter.name).toBe(name);
    for (const [name, adapter] of Object.entries(STOCK_FEEDS)) expect(adapter.name).toBe(name);
    expect(Object.keys(EXCHANGES).sort()).toEqual(["binance", "coinbase", "kraken"]);
  });
});

describe("freshTicks", () => {
  const ticks: [number, number, number][] = [
    [30, 1, 1],
    [10, 1, 1],
    [20, 1, 1],
  ];

  it("sorts, and keeps everything when the room has no tick yet", () => {
    expect(freshTicks(ticks, null).map((t) => t[0])).toEqual([10, 20, 30]);
  });

  it("drops ticks before the room's last; replayed history also drops its time", () => {
    expect(freshTicks(ticks, 20).map((t) => t[0])).toEqual([20, 30]);
    expect(freshTicks(ticks, 20, true).map((t) => t[0])).toEqual([30]);
  });
});
