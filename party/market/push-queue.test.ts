import { describe, expect, it } from "vitest";
import type { Tick } from "../protocol/index.ts";
import { batchApplied, lastPushedFromRefusal, PushQueue } from "./push-queue.ts";

const t = (time: number, price = 1, size = 1): Tick => [time, price, size];
const times = (ticks: Tick[] | null) => ticks?.map((x) => x[0]) ?? null;

describe("PushQueue", () => {
  it("sends waiting ticks sorted by time, in batches of at most max", () => {
    const q = new PushQueue();
    q.add([t(30), t(10), t(20)]);
    q.add([t(15)]);
    expect(times(q.take(3))).toEqual([10, 15, 20]);
    expect(q.depth).toBe(4);
    expect(q.ack(7)).toBe(3);
    expect(times(q.take(3))).toEqual([30]);
    q.ack(8);
    expect(q.take(3)).toBeNull();
    expect(q.counts).toMatchObject({ received: 4, pushed: 4, late: 0 });
    expect(q.lastSeq).toBe(8);
  });

  it("keeps a batch until it is acknowledged, and resends the very same one", () => {
    const q = new PushQueue();
    q.add([t(1), t(2)]);
    const first = q.take(10);
    q.add([t(3)]);
    expect(q.take(10)).toBe(first);
    expect(q.sending).toBe(true);
    expect(q.depth).toBe(3);
    q.ack(null);
    expect(times(q.take(10))).toEqual([3]);
  });

  it("drops and counts ticks older than the last pushed one; equal times still go", () => {
    const q = new PushQueue();
    q.add([t(10), t(20)]);
    q.take(10);
    q.ack(null);
    q.add([t(5), t(20, 2), t(25)]);
    expect(times(q.take(10))).toEqual([20, 25]);
    expect(q.counts.late).toBe(1);
  });

  it("keeps arrival order for equal times (a stable sort)", () => {
    const q = new PushQueue();
    q.add([t(5, 1), t(5, 2), t(4, 9), t(5, 3)]);
    expect(q.take(10)).toEqual([t(4, 9), t(5, 1), t(5, 2), t(5, 3)]);
  });

  it("drops a refused batch for good and counts it", () => {
    const q = new PushQueue();
    q.add([t(1), t(2)]);
    q.take(1);
    expect(q.reject()).toBe(1);
    expect(times(q.take(5))).toEqual([2]);
    expect(q.counts.rejected).toBe(1);
  });

  it("learns from the room's snapshot what not to send again", () => {
    const q = new PushQueue();
    q.seed(100, 42, [t(90), t(100, 5, 1), t(100, 6, 2)]);
    q.add([t(99), t(100, 5, 1), t(100, 6, 2), t(100, 7, 1), t(101)]);
    expect(q.take(10)).toEqual([t(100, 7, 1), t(101)]);
    expect(q.counts.late).toBe(3);
    expect(q.lastSeq).toBe(42);
  });

  it("drops the oldest waiting ticks when full", () => {
    const q = new PushQueue(3);
    q.add([t(4), t(1), t(3), t(2), t(5)]);
    expect(times(q.take(10))).toEqual([3, 4, 5]);
    expect(q.counts.overflow).toBe(2);
  });
});

describe("batchApplied", () => {
  const batch = [t(10, 1), t(11, 2)];

  it("is true when the room's newest ticks are the batch and seq moved by its length", () => {
    const room = { source: "push", seq: 12, ticks: [t(9), t(10, 1), t(11, 2)] };
    expect(batchApplied(room, batch, 10)).toBe(true);
    expect(batchApplied(room, batch, null)).toBe(true);
  });

  it("is false when the batch did not arrive", () => {
    expect(batchApplied({ source: "push", seq: 10, ticks: [t(9)] }, batch, 10)).toBe(false);
    expect(batchApplied({ source: "sim", seq: 99, ticks: [t(10, 1), t(11, 2)] }, batch, null)).toBe(
      false,
    );
    expect(batchApplied({ source: "push", seq: 13, ticks: [t(10, 1), t(11, 2)] }, batch, 10)).toBe(
      false,
    );
    expect(batchApplied({ source: "push", seq: 12, ticks: [t(10, 1), t(11, 3)] }, batch, 10)).toBe(
      false,
    );
    expect(batchApplied({ source: "push", seq: 0, ticks: [] }, batch, null)).toBe(false);
  });

  it("compares only the ticks a snapshot carries when the batch is longer", () => {
    const long = Array.from({ length: 800 }, (_, i) => t(i));
    const room = { source: "push", seq: 800, ticks: long.slice(-500) };
    expect(batchApplied(room, long, 0)).toBe(true);
  });
});

describe("lastPushedFromRefusal", () => {
  it("reads the room's last pushed time from its refusal", () => {
    expect(lastPushedFromRefusal("tick 0: time 5 is before the room's last pushed tick (9)")).toBe(
      9,
    );
    expect(lastPushedFromRefusal("tick 2: price must be positive")).toBeNull();
  });
});
