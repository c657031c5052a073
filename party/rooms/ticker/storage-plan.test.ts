import { describe, expect, it } from "vitest";
import { chunkKey, HOUR_MS } from "../../market/history.ts";
import type { Candle, Tick } from "../../protocol/index.ts";
import { type Meta, planSave, type SaveState } from "./storage-plan.ts";

const H0 = Date.UTC(2026, 9, 14, 0);
const hour = (n: number) => H0 + n * HOUR_MS;
const candle = (start: number): Candle => [start, 10, 11, 9, 10.5, 3];
const meta: Meta = { symbol: "AAPL", source: "sim", seq: 42, cursor: hour(5), lastPushed: null };
const tail: Tick[] = [[hour(5), 10.5, 1]];

const state = (over: Partial<SaveState>): SaveState => ({
  stored: new Set(),
  firstHour: hour(0),
  changed: {},
  replaced: false,
  meta,
  tail,
  ...over,
});

describe("planSave", () => {
  it("always writes meta and the tail, and the chunks that changed", () => {
    const plan = planSave(
      state({
        stored: new Set([hour(0), hour(1)]),
        changed: { [chunkKey(hour(1))]: [candle(hour(1))] },
      }),
    );
    expect(plan.put).toEqual({ meta, tail, [chunkKey(hour(1))]: [candle(hour(1))] });
    expect(plan.remove).toEqual([]);
    expect([...plan.stored].sort()).toEqual([hour(0), hour(1)]);
  });

  it("writes nothing but meta and the tail when no candle changed", () => {
    const plan = planSave(state({ stored: new Set([hour(3)]) }));
    expect(Object.keys(plan.put).sort()).toEqual(["meta", "tail"]);
    expect(plan.remove).toEqual([]);
    expect([...plan.stored]).toEqual([hour(3)]);
  });

  it("deletes the hours that fell out of the window, and writes none of them", () => {
    const plan = planSave(
      state({
        stored: new Set([hour(0), hour(1), hour(2)]),
        firstHour: hour(2),
        changed: { [chunkKey(hour(1))]: [], [chunkKey(hour(2))]: [candle(hour(2))] },
      }),
    );
    expect(Object.keys(plan.put).sort()).toEqual([chunkKey(hour(2)), "meta", "tail"].sort());
    expect(plan.remove.sort()).toEqual([chunkKey(hour(0)), chunkKey(hour(1))].sort());
    expect([...plan.stored]).toEqual([hour(2)]);
  });

  it("deletes every stored hour it does not rewrite when the history was replaced", () => {
    const plan = planSave(
      state({
        stored: new Set([hour(3), hour(4), hour(5)]),
        changed: { [chunkKey(hour(5))]: [candle(hour(5))] },
        replaced: true,
        meta: { ...meta, source: "push", lastPushed: hour(5) },
      }),
    );
    expect(plan.put[chunkKey(hour(5))]).toEqual([candle(hour(5))]);
    expect(plan.remove.sort()).toEqual([chunkKey(hour(3)), chunkKey(hour(4))].sort());
    expect([...plan.stored]).toEqual([hour(5)]);
  });

  it("never puts and deletes the same key, so one batch says one thing", () => {
    const plan = planSave(
      state({
        stored: new Set([hour(1), hour(2)]),
        firstHour: hour(2),
        changed: { [chunkKey(hour(1))]: [candle(hour(1))], [chunkKey(hour(2))]: [candle(hour(2))] },
        replaced: true,
      }),
    );
    for (const key of plan.remove) expect(plan.put).not.toHaveProperty(key);
  });
});
