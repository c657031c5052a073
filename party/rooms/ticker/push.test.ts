import { describe, expect, it } from "vitest";
import type { Candle, Tick } from "../../protocol/index.ts";
import { planPush, pushReply } from "./push.ts";
import type { Room } from "./room.ts";
import { createSource } from "./sources.ts";

const MIN = 60_000;
const NOW = Date.UTC(2026, 0, 15, 15, 30, 12);
const clock = { now: () => NOW, setTimeout, clearTimeout };
const source = (name: "sim" | "push") =>
  createSource(name, { symbol: "AAPL", cursor: NOW, clock, env: {} });
const wanted = {
  symbol: "AAPL",
  wanted: "sim" as const,
  pushSource: () => source("push"),
  now: NOW,
};

function plan(before: Room | null, body: unknown) {
  const result = planPush(before, body, wanted);
  if (!result.ok) throw new Error(`refused: ${result.refusal.status}`);
  return result;
}

const bars: Candle[] = [
  [NOW - 32 * MIN - 12_000, 190, 191, 189.5, 190.5, 1200],
  [NOW - 31 * MIN - 12_000, 190.5, 192, 190, 191.75, 800],
];

describe("a push of candles", () => {
  it("makes a room a push room whose day is the candles, its counter and last push unmoved", () => {
    const first = plan(null, { candles: bars });
    expect(first.switching).toBe(true);
    expect(first.next.source.name).toBe("push");
    expect(first.next.history.candles).toEqual(bars);
    expect(first.next.history.seq).toBe(0);
    expect(first.next.lastPushed).toBeNull();
    expect(first.next.history.quote()?.price).toBe(191.75);
    expect(pushReply(first)).toEqual({ accepted: 0, seq: 0, candles: 2 });
  });

  it("replaces the room's minutes of the same start and keeps the others, then appends ticks", () => {
    const ticks: Tick[] = [
      [NOW - 31 * MIN, 191, 5],
      [NOW - 2000, 192.5, 3],
    ];
    const live = plan(null, { ticks });
    const room = live.next;
    const merged = plan(room, { candles: bars, ticks: [[NOW, 193, 1]] });
    expect(merged.switching).toBe(false);
    const starts = merged.next.history.candles.map((c) => c[0]);
    expect(starts).toEqual([bars[0]?.[0], bars[1]?.[0], NOW - 12_000]);
    // The pushed minute replaced the one the room had seen part of.
    expect(merged.next.history.candles[1]).toEqual(bars[1]);
    expect(merged.next.history.candles[2]).toEqual([NOW - 12_000, 192.5, 193, 192.5, 193, 4]);
    expect(merged.next.history.seq).toBe(3);
    expect(merged.next.lastPushed).toBe(NOW);
    expect(pushReply(merged)).toEqual({ accepted: 1, seq: 3, candles: 2 });
    // The room before the push is as it was, in case the write fails.
    expect(room.history.candles).toHaveLength(2);
    expect(room.history.candles[0]).toEqual([NOW - 31 * MIN - 12_000, 191, 191, 191, 191, 5]);
  });

  it("a candles-only push keeps the room's last pushed time", () => {
    const room = plan(null, { ticks: [[NOW - 1000, 190, 1]] }).next;
    const after = plan(room, { candles: bars });
    expect(after.next.lastPushed).toBe(NOW - 1000);
    expect(pushReply(plan(room, { ticks: [[NOW, 191, 1]] }))).toEqual({ accepted: 1, seq: 2 });
  });

  it("is refused whole, naming the candle, and leaves the room as it was", async () => {
    const room = plan(null, { ticks: [[NOW - 1000, 190, 1]] }).next;
    const refused = planPush(room, { candles: [bars[1], bars[0]] }, wanted);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.refusal.status).toBe(400);
    expect(await refused.refusal.json()).toEqual({
      error: { code: "bad_request", message: expect.stringMatching(/^candle 1: .*time order/) },
    });
    expect(room.history.candles).toHaveLength(1);
  });
});
