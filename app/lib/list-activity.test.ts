import { describe, expect, it } from "vitest";
import type { ActivityEvent } from "../../party/protocol/index.ts";
import { ACTIVITY_KEPT, eventText, mergeEvents, relativeTime } from "./list-activity.ts";
import { applyServerFrame, initialWatchlistState, parseWatchlistFrame } from "./watchlist-state.ts";

const added = (seq: number, symbols = ["AAPL"]): ActivityEvent => ({
  seq,
  at: 1_000 * seq,
  by: "Ann",
  kind: "added",
  symbols,
});

describe("the activity", () => {
  it("is replaced by each `activity` frame and grows by each `event`, each seq once", () => {
    const first = parseWatchlistFrame(
      JSON.stringify({ type: "activity", events: [added(1), added(2)] }),
    );
    expect(first).not.toBeNull();
    let state = applyServerFrame(initialWatchlistState(), first as never);
    state = applyServerFrame(state, { type: "event", event: added(3) });
    state = applyServerFrame(state, { type: "event", event: added(3) });
    expect(state.activity.map((e) => e.seq)).toEqual([1, 2, 3]);
    // A reconnect brings the room's whole activity again: it is the truth.
    state = applyServerFrame(state, { type: "activity", events: [added(2), added(3), added(4)] });
    expect(state.activity.map((e) => e.seq)).toEqual([2, 3, 4]);
  });

  it("keeps the last 200 events, in order, whatever order they came in", () => {
    const many = Array.from({ length: ACTIVITY_KEPT + 10 }, (_, i) => added(i + 1));
    let held = mergeEvents([], many);
    expect(held).toHaveLength(ACTIVITY_KEPT);
    expect(held[0]?.seq).toBe(11);
    held = mergeEvents(held, [added(ACTIVITY_KEPT + 11)]);
    expect(held).toHaveLength(ACTIVITY_KEPT);
    expect(held.at(-1)?.seq).toBe(ACTIVITY_KEPT + 11);
    expect(mergeEvents([added(5)], [added(3)]).map((e) => e.seq)).toEqual([3, 5]);
  });

  it("drops an `event` frame without its event", () => {
    expect(parseWatchlistFrame(JSON.stringify({ type: "event" }))).toBeNull();
    expect(parseWatchlistFrame(JSON.stringify({ type: "activity", events: 3 }))).toBeNull();
  });
});

describe("an event in words", () => {
  const base = { seq: 1, at: 0, by: "Ann" };
  it("says who did what", () => {
    expect(eventText({ ...base, kind: "added", symbols: ["AAPL", "MSFT"] })).toBe(
      "Ann added AAPL, MSFT",
    );
    expect(eventText({ ...base, kind: "removed", symbol: "AAPL" })).toBe("Ann removed AAPL");
    expect(eventText({ ...base, kind: "moved", symbol: "AAPL", index: 0 })).toBe(
      "Ann moved AAPL to position 1",
    );
    expect(eventText({ ...base, kind: "renamed", name: "Tech" })).toBe(
      "Ann renamed the list to “Tech”",
    );
    expect(
      eventText({
        ...base,
        kind: "alert-set",
        alertId: "a",
        symbol: "AAPL",
        when: "below",
        value: 90,
      }),
    ).toBe("Ann set an alert on AAPL: below 90.00");
    expect(
      eventText({
        ...base,
        kind: "alert-fired",
        alertId: "a",
        symbol: "AAPL",
        price: 89.5,
        time: 0,
      }),
    ).toBe("Ann’s alert on AAPL fired at 89.50");
    expect(eventText({ ...base, kind: "alert-removed", alertId: "a", symbol: "AAPL" })).toBe(
      "Ann removed an alert on AAPL",
    );
    expect(
      eventText({
        ...base,
        kind: "drawing-added",
        drawingId: "d",
        symbol: "AAPL",
        drawing: "trend",
      }),
    ).toBe("Ann drew a trend line on AAPL");
  });
});

describe("how long ago", () => {
  const now = 10_000_000_000;
  it("reads in the largest whole unit", () => {
    expect(relativeTime(now - 10_000, now)).toBe("just now");
    expect(relativeTime(now + 5_000, now)).toBe("just now");
    expect(relativeTime(now - 5 * 60_000, now)).toBe("5 min ago");
    expect(relativeTime(now - 3 * 3_600_000, now)).toBe("3 h ago");
    expect(relativeTime(now - 2 * 86_400_000, now)).toBe("2 d ago");
  });
});
