import { describe, expect, it } from "vitest";
import type { Candle, Tick } from "../protocol/index.ts";
import { foldTicks } from "./candles.ts";
import { applyTicks, type Session, sessionFromCandles, toQuote } from "./quote.ts";
import { DAY_MS, Simulator } from "./simulator.ts";

const DAY = Date.UTC(2026, 4, 12);
const H = 3_600_000;

describe("applyTicks", () => {
  it("starts a session at the first tick, with that price as its previous close", () => {
    const s = applyTicks(null, [[DAY + 10 * H, 100, 5]]);
    expect(s).toMatchObject({ open: 100, high: 100, low: 100, prevClose: 100, price: 100 });
    expect(s?.volume).toBe(5);
    expect(s?.time).toBe(DAY + 10 * H);
  });

  it("tracks high, low, volume and the last price within a day", () => {
    const s = applyTicks(null, [
      [DAY + 1 * H, 100, 1],
      [DAY + 2 * H, 104, 2],
      [DAY + 3 * H, 97, 3],
      [DAY + 4 * H, 101, 4],
    ]);
    expect(s).toMatchObject({ open: 100, high: 104, low: 97, price: 101, volume: 10 });
    expect(s?.time).toBe(DAY + 4 * H);
  });

  it("rolls over at midnight UTC: the previous close is the last price of the day before", () => {
    const s = applyTicks(null, [
      [DAY + 22 * H, 100, 1],
      [DAY + 23 * H, 110, 2],
      [DAY + DAY_MS - 1, 105, 3],
      [DAY + DAY_MS, 106, 4],
      [DAY + DAY_MS + H, 103, 5],
    ]);
    expect(s).toMatchObject({
      prevClose: 105,
      open: 106,
      high: 106,
      low: 103,
      volume: 9,
      price: 103,
    });
  });

  it("carries the session across calls exactly as in one call", () => {
    const ticks: Tick[] = [
      [DAY + 23 * H, 100, 1],
      [DAY + 23.5 * H, 99, 1],
      [DAY + 24.5 * H, 98, 1],
      [DAY + 25 * H, 102, 1],
    ];
    const once = applyTicks(null, ticks);
    let step: Session | null = null;
    for (const tick of ticks) step = applyTicks(step, [tick]);
    expect(step).toEqual(once);
  });

  it("leaves a session unchanged for no ticks", () => {
    expect(applyTicks(null, [])).toBeNull();
  });
});

describe("toQuote", () => {
  const session = (price: number, prevClose: number, volume = 1): Session => ({
    day: 0,
    open: prevClose,
    high: Math.max(price, prevClose),
    low: Math.min(price, prevClose),
    prevClose,
    volume,
    price,
    time: DAY,
  });

  it("gives change as price minus previous close and changePct in percent", () => {
    expect(toQuote(session(202, 200))).toMatchObject({ change: 2, changePct: 1 });
    expect(toQuote(session(150, 200))).toMatchObject({ change: -50, changePct: -25 });
    expect(toQuote(session(200, 200))).toMatchObject({ change: 0, changePct: 0 });
  });

  it("removes float noise from change and volume", () => {
    // 0.3 - 0.1 is 0.19999999999999998 in binary floating point; 0.1 + 0.2 is 0.30000000000000004.
    const q = toQuote(session(0.3, 0.1, 0.1 + 0.2));
    expect(q.change).toBe(0.2);
    expect(q.volume).toBe(0.3);
    expect(q.changePct).toBe(200);
    expect(toQuote(session(1.1, 1.0)).change).toBe(0.1);
  });

  it("rounds volume to the decimals it is given", () => {
    expect(toQuote(session(1, 1, 12.345678), 2).volume).toBe(12.35);
    expect(toQuote(session(1, 1, 7.6), 0).volume).toBe(8);
  });

  it("keeps small changes of cheap coins", () => {
    const q = toQuote(session(0.14012, 0.14));
    expect(q.change).toBeCloseTo(0.00012, 12);
    expect(q.changePct).toBeCloseTo((0.00012 / 0.14) * 100, 3);
  });

  it("copies the session's figures into the quote", () => {
    const s: Session = {
      day: 0,
      open: 10,
      high: 12,
      low: 9,
      prevClose: 9.5,
      volume: 1234,
      price: 11,
      time: DAY + 5,
    };
    expect(toQuote(s)).toMatchObject({
      price: 11,
      open: 10,
      high: 12,
      low: 9,
      prevClose: 9.5,
      volume: 1234,
      time: DAY + 5,
    });
  });
});

describe("sessionFromCandles", () => {
  it("is null without candles", () => {
    expect(sessionFromCandles([], undefined)).toBeNull();
  });

  it.each([
    ["a stock", "AAPL"],
    ["a cheap coin", "DOGE-USD"],
    ["a dear coin", "BTC-USD"],
  ])("for %s agrees with applying the same ticks one by one, across midnight", (_w, symbol) => {
    // A UTC-day session: the stock trades around the clock here, as crypto does.
    const sim = new Simulator(symbol, { sessions: false });
    const ticks = sim.ticksBetween(DAY + DAY_MS - 45 * 60_000, DAY + DAY_MS + 30 * 60_000);
    const candles: Candle[] = [];
    foldTicks(candles, ticks);
    let live: Session | null = null;
    for (const tick of ticks) live = applyTicks(live, [tick]);
    const rebuilt = sessionFromCandles(candles, ticks[ticks.length - 1]);
    expect(rebuilt).not.toBeNull();
    expect(live).not.toBeNull();
    if (!rebuilt || !live) return;
    const decimals = sim.spec.sizeDecimals;
    expect(toQuote(rebuilt, decimals)).toEqual(toQuote(live, decimals));
    // And the figures are the ones a trader expects from the raw ticks.
    const today = ticks.filter(([t]) => t >= DAY + DAY_MS);
    const yesterday = ticks.filter(([t]) => t < DAY + DAY_MS);
    expect(rebuilt.prevClose).toBe(yesterday[yesterday.length - 1]?.[1]);
    expect(rebuilt.open).toBe(today[0]?.[1]);
    expect(rebuilt.high).toBe(Math.max(...today.map((t) => t[1])));
    expect(rebuilt.low).toBe(Math.min(...today.map((t) => t[1])));
  });

  it("agrees with applyTicks within one day, where the open is also the previous close", () => {
    const ticks = new Simulator("MSFT").ticksBetween(DAY + 9 * H, DAY + 9 * H + 20 * 60_000);
    const candles: Candle[] = [];
    foldTicks(candles, ticks);
    const live = applyTicks(null, ticks);
    const rebuilt = sessionFromCandles(candles, ticks[ticks.length - 1]);
    if (!rebuilt || !live) throw new Error("no session");
    expect(toQuote(rebuilt, 0)).toEqual(toQuote(live, 0));
    expect(rebuilt.prevClose).toBe(rebuilt.open);
  });

  it("uses the last tick for the price, and the last close without one", () => {
    const candles: Candle[] = [
      [DAY, 10, 11, 9, 10.5, 3],
      [DAY + 60_000, 10.5, 12, 10, 11.5, 4],
    ];
    expect(sessionFromCandles(candles, [DAY + 61_000, 11.5, 1])?.price).toBe(11.5);
    // A candle newer than the last tick (history that filled a gap after it) has the price.
    expect(sessionFromCandles(candles, [DAY + 5_000, 10.25, 1])).toMatchObject({
      price: 11.5,
      time: DAY + 60_000,
    });
    expect(sessionFromCandles(candles, undefined)).toMatchObject({
      price: 11.5,
      time: DAY + 60_000,
      volume: 7,
      high: 12,
      low: 9,
      open: 10,
    });
  });
});
