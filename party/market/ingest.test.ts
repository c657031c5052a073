import { describe, expect, it } from "vitest";
import { type Candle, LIMITS, type Tick } from "../protocol/index.ts";
import { checkIngest } from "./ingest.ts";

const T = Date.UTC(2026, 0, 5, 15, 30);
const good = (n: number, from = T): Tick[] =>
  Array.from({ length: n }, (_, i) => [from + i * 10, 100 + i / 100, 1 + (i % 7)]);

describe("checkIngest refuses bad bodies with a message", () => {
  it.each<[string, unknown, RegExp]>([
    ["null", null, /body/],
    ["a number", 5, /body/],
    ["a string", '{"ticks":[]}', /body/],
    ["an array of ticks without the object", [[T, 1, 1]], /ticks/],
    ["an object without ticks", {}, /ticks/],
    ["ticks that are not an array", { ticks: { 0: [T, 1, 1] } }, /ticks/],
    ["ticks that are a number", { ticks: 3 }, /ticks/],
    ["no ticks", { ticks: [] }, /at least one/],
    ["1001 ticks", { ticks: good(1001) }, /1000/],
    ["a tick that is an object", { ticks: [{ time: T, price: 1, size: 1 }] }, /^tick 0:/],
    ["a tick with two items", { ticks: [[T, 1]] }, /^tick 0: size/],
    ["a tick with one item", { ticks: [[T]] }, /^tick 0: price/],
    ["an empty tick", { ticks: [[]] }, /^tick 0: time/],
    ["a string price", { ticks: [[T, "101.5", 1]] }, /^tick 0: price must be a number/],
    ["a string time", { ticks: [[String(T), 1, 1]] }, /^tick 0: time/],
    ["a null size", { ticks: [[T, 1, null]] }, /^tick 0: size/],
    ["a NaN price", { ticks: [[T, Number.NaN, 1]] }, /^tick 0: price/],
    ["an infinite price", { ticks: [[T, Number.POSITIVE_INFINITY, 1]] }, /^tick 0: price/],
    ["an infinite size", { ticks: [[T, 1, Number.POSITIVE_INFINITY]] }, /^tick 0: size/],
    ["a NaN time", { ticks: [[Number.NaN, 1, 1]] }, /^tick 0: time/],
    ["an infinite time", { ticks: [[Number.POSITIVE_INFINITY, 1, 1]] }, /^tick 0: time/],
    ["a zero price", { ticks: [[T, 0, 1]] }, /^tick 0: price must be positive/],
    ["a negative price", { ticks: [[T, -1, 1]] }, /^tick 0: price must be positive/],
    ["a zero size", { ticks: [[T, 1, 0]] }, /^tick 0: size must be positive/],
    ["a negative size", { ticks: [[T, 1, -3]] }, /^tick 0: size must be positive/],
    ["a fractional time", { ticks: [[T + 0.5, 1, 1]] }, /^tick 0: time/],
    ["a negative time", { ticks: [[-1, 1, 1]] }, /^tick 0: time/],
    ["a time beyond safe integers", { ticks: [[2 ** 53, 1, 1]] }, /^tick 0: time/],
    ["a price over 1e9", { ticks: [[T, 1e9 + 1, 1]] }, /^tick 0: price must be at most 1e9/],
    ["a size over 1e12", { ticks: [[T, 1, 1e12 * 1.5]] }, /^tick 0: size must be at most 1e12/],
    ["a price of 1e308", { ticks: [[T, 1e308, 1]] }, /^tick 0: price must be at most/],
    ["a time in microseconds", { ticks: [[T * 1000, 1, 1]] }, /^tick 0: time .* ahead/],
    [
      "a time 61 s ahead, after good ticks",
      { ticks: [...good(3), [T + 61_000, 1, 1]] },
      /^tick 3: time .* 60 s ahead of the server's clock/,
    ],
  ])("%s", (_what, body, message) => {
    const result = checkIngest(body, null, T);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toMatch(message);
  });

  it("refuses a tick with more than three items", () => {
    // PROTOCOL.md: a tick is [time, price, size] and anything else gets a 400. A fourth item
    // (say a trade id or a side) must not be dropped silently, or a client never learns that
    // the room did not understand it.
    const result = checkIngest({ ticks: [[T, 1, 1, 42]] }, null, T);
    expect(result.ok).toBe(false);
  });

  it("names the index of the tick whose time goes back", () => {
    const ticks = good(10);
    ticks[7] = [T, 100, 1];
    const result = checkIngest({ ticks }, null, T);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toMatch(/^tick 7:/);
    expect(result.message).toMatch(/decrease/);
  });

  it("names the index of a bad tick deep in the body", () => {
    const ticks: unknown[] = good(500);
    ticks[321] = [T + 3210, 0, 1];
    const result = checkIngest({ ticks }, null, T);
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/^tick 321: price/) });
  });

  it("refuses a first tick before the room's last pushed tick", () => {
    const result = checkIngest({ ticks: good(3, T) }, T + 1, T);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toMatch(/^tick 0:/);
    expect(result.message).toContain(String(T + 1));
  });
});

describe("checkIngest accepts good bodies", () => {
  it("accepts one tick and gives it back", () => {
    expect(checkIngest({ ticks: [[T, 101.25, 3]] }, null, T)).toEqual({
      ok: true,
      ticks: [[T, 101.25, 3]],
      candles: [],
    });
  });

  it("accepts exactly 1000 ticks", () => {
    const ticks = good(LIMITS.pushTicks);
    const result = checkIngest({ ticks }, null, T);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.ticks).toEqual(ticks);
  });

  it("accepts equal times, within a body and against the last pushed tick", () => {
    const ticks: Tick[] = [
      [T, 1, 1],
      [T, 2, 1],
      [T, 3, 1],
    ];
    expect(checkIngest({ ticks }, T, T)).toEqual({ ok: true, ticks, candles: [] });
  });

  it("accepts tiny fractional prices and sizes", () => {
    const ticks: Tick[] = [[T, 0.00001, 0.00000001]];
    expect(checkIngest({ ticks }, null, T)).toEqual({ ok: true, ticks, candles: [] });
  });

  it("accepts prices and sizes up to their bounds, and times up to 60 s ahead", () => {
    const ticks: Tick[] = [
      [T, 1e9, 1e12],
      [T + 60_000, 5e-324, 5e-324],
    ];
    expect(checkIngest({ ticks }, null, T)).toEqual({ ok: true, ticks, candles: [] });
  });

  it("refuses both ticks of a body that would overflow the session volume", () => {
    const result = checkIngest(
      {
        ticks: [
          [T, 1e308, 1e308],
          [T, 1e-320, 1e308],
        ],
      },
      null,
      T,
    );
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/^tick 0: price/) });
  });

  it("accepts time 0 when the room has no pushed tick yet", () => {
    expect(checkIngest({ ticks: [[0, 1, 1]] }, null, T).ok).toBe(true);
  });
});

describe("checkIngest is all or nothing", () => {
  it.each([0, 1, 499, 998, 999])("one bad tick at index %i refuses the whole body", (at) => {
    const ticks: unknown[] = good(1000);
    ticks[at] = [T + at * 10, 1, -1];
    const result = checkIngest({ ticks }, null, T);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toMatch(new RegExp(`^tick ${at}:`));
    // Nothing comes back that a caller could apply by mistake.
    expect(result).not.toHaveProperty("ticks");
  });
});

describe("checkIngest takes one-minute candles", () => {
  const MIN = 60_000;
  const minutes = (n: number, from = T - 10 * MIN): Candle[] =>
    Array.from({ length: n }, (_, i) => [from + i * MIN, 100, 101 + i, 99, 100.5, 10 + i]);

  it("alone or beside ticks, giving both back", () => {
    const candles = minutes(3);
    expect(checkIngest({ candles }, null, T)).toEqual({ ok: true, ticks: [], candles });
    const ticks: Tick[] = [[T, 100.5, 1]];
    expect(checkIngest({ candles, ticks }, T - 1, T)).toEqual({ ok: true, ticks, candles });
    // A day of them, up to the minute in progress and as far back as a room holds.
    const day = minutes(LIMITS.pushCandles, T - LIMITS.historyMs);
    expect(checkIngest({ candles: day }, null, T).ok).toBe(true);
  });

  it("before or after the minute of the room's last pushed tick, not in it", () => {
    expect(checkIngest({ candles: minutes(2) }, T, T).ok).toBe(true);
    // A gap after the room's last tick, filled.
    expect(checkIngest({ candles: minutes(2) }, T - 20 * MIN + 5, T).ok).toBe(true);
    const live = checkIngest({ candles: minutes(2) }, T - 9 * MIN + 5, T);
    expect(live).toEqual({
      ok: false,
      message: `candle 1: start ${T - 9 * MIN} is the minute of the room's last pushed tick: its ticks fill it`,
    });
  });

  it("before the minute of the push's own first tick", () => {
    const candles = minutes(2, T - 2 * MIN);
    expect(checkIngest({ candles, ticks: [[T + 1, 1, 1]] }, null, T).ok).toBe(true);
    const late = checkIngest({ candles, ticks: [[T - MIN + 5, 1, 1]] }, null, T);
    expect(late).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^candle 1: .*first tick/),
    });
  });

  it.each<[string, unknown, RegExp]>([
    ["an empty list", { candles: [] }, /at least one candle/],
    ["a day and a minute", { candles: minutes(1441, T - 1441 * 60_000) }, /at most 1440 candles/],
    ["a candle that is not a list", { candles: "x" }, /^candles must be an array/],
    ["a candle of five items", { candles: [[T, 1, 1, 1, 1]] }, /^candle 0: volume/],
    ["a candle of seven items", { candles: [[T, 1, 1, 1, 1, 1, 1]] }, /^candle 0:/],
    ["a string price", { candles: [[T, 1, "2", 1, 1, 1]] }, /^candle 0: high must be a number/],
    ["a zero low", { candles: [[T, 1, 1, 0, 1, 1]] }, /^candle 0: low must be positive/],
    ["a zero volume", { candles: [[T, 1, 1, 1, 1, 0]] }, /^candle 0: volume must be positive/],
    [
      "a price over 1e9",
      { candles: [[T, 2e9, 2e9, 1, 1, 1]] },
      /^candle 0: open must be at most 1e9/,
    ],
    [
      "a fractional start",
      { candles: [[T + 0.5, 1, 1, 1, 1, 1]] },
      /^candle 0: start must be whole/,
    ],
    [
      "a start off the minute",
      { candles: [[T + 1000, 1, 1, 1, 1, 1]] },
      /^candle 0: .*start of a minute/,
    ],
    [
      "a minute two minutes ahead",
      { candles: [...minutes(2), [T + 2 * 60_000, 1, 1, 1, 1, 1]] },
      /^candle 2: .* 60 s ahead of the server's clock/,
    ],
    [
      "a minute over a day old",
      { candles: [[T - LIMITS.historyMs - 60_000, 1, 1, 1, 1, 1]] },
      /^candle 0: .* 24 h before the server's clock/,
    ],
    [
      "a minute twice",
      { candles: [...minutes(2), (minutes(2)[1] as Candle).slice()] },
      /^candle 2: .* not after the candle ahead of it/,
    ],
    ["minutes out of order", { candles: minutes(3).reverse() }, /^candle 1: .*time order/],
    ["a high below the close", { candles: [[T, 1, 1, 1, 2, 1]] }, /^candle 0: open and close/],
    ["a low above the open", { candles: [[T, 1, 3, 2, 2, 1]] }, /^candle 0: open and close/],
    ["neither ticks nor candles", { bars: minutes(1) }, /"ticks".*"candles".*or both/],
    [
      "bad ticks beside good candles",
      { candles: minutes(1), ticks: [[T, 0, 1]] },
      /^tick 0: price/,
    ],
  ])("refuses %s, naming the candle", (_what, body, message) => {
    const result = checkIngest(body, null, T);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});
