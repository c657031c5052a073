import { describe, expect, it } from "vitest";
import { ALERT_MAX_CHANGE_PCT, ALERTS_PER_LIST, ALERTS_PER_LIST_SYMBOL } from "../market/alerts.ts";
import { COLLAB_LIMITS, parseFrame, WatchlistClientMessageSchema } from "./index.ts";

const parse = (frame: unknown) =>
  parseFrame(
    WatchlistClientMessageSchema,
    typeof frame === "string" ? frame : JSON.stringify(frame),
  );

const from = { time: 1_796_000_000_000, price: 180 };
const to = { time: 1_796_000_060_000, price: 190.25 };

describe("collaboration frames", () => {
  it("accepts every frame in its documented shape", () => {
    for (const frame of [
      { type: "alert", symbol: "AAPL", when: "above", value: 250 },
      { type: "alert", symbol: "BRK.B", when: "below", value: 0.01, ref: "a" },
      { type: "alert", symbol: "AAPL", when: "change-above", value: 5 },
      { type: "alert", symbol: "AAPL", when: "change-below", value: -2.5 },
      { type: "unalert", alertId: "Ab3_-x", ref: "u" },
      { type: "draw", symbol: "AAPL", kind: "level", price: 190 },
      { type: "draw", symbol: "AAPL", kind: "trend", from, to, ref: "d" },
      { type: "redraw", drawingId: "d1", price: 191 },
      { type: "redraw", drawingId: "d1", from, to },
      { type: "undraw", drawingId: "d1" },
      { type: "crosshair", symbol: "AAPL", time: from.time, price: 180.5 },
      { type: "crosshair", symbol: null },
    ]) {
      expect(parse(frame).ok, JSON.stringify(frame)).toBe(true);
    }
  });

  it("reads a crosshair as a place or null, and a move as the new geometry", () => {
    const at = parse({ type: "crosshair", symbol: "AAPL", time: 5, price: 1 });
    expect(at.ok && at.value).toEqual({
      type: "crosshair",
      at: { symbol: "AAPL", time: 5, price: 1 },
    });
    const gone = parse({ type: "crosshair", symbol: null, ref: "x" });
    expect(gone.ok && gone.value).toEqual({ type: "crosshair", at: null, ref: "x" });
    const moved = parse({ type: "redraw", drawingId: "d1", from, to });
    expect(moved.ok && moved.value).toEqual({ type: "redraw", drawingId: "d1", to: { from, to } });
    const trend = parse({ type: "draw", symbol: "AAPL", kind: "trend", from, to });
    expect(trend.ok && trend.value).toEqual({
      type: "draw",
      symbol: "AAPL",
      kind: "trend",
      from,
      to,
    });
  });

  it.each([
    [{ type: "alert", symbol: "AAPL", when: "above" }, "value"],
    [{ type: "alert", symbol: "AAPL", when: "above", value: "1" }, "must be a number"],
    [{ type: "alert", symbol: "AAPL", when: "near", value: 1 }, "when must be one of"],
    [{ type: "alert", symbol: "aapl", when: "above", value: 1 }, "use AAPL"],
    ['{"type":"alert","symbol":"AAPL","when":"above","value":-1e999}', "finite"],
    [{ type: "unalert", alertId: "" }, "not an id"],
    [{ type: "unalert", alertId: "x".repeat(33) }, "not an id"],
    [{ type: "draw", symbol: "AAPL", kind: "level" }, '"price"'],
    [{ type: "draw", symbol: "AAPL", kind: "level", price: 1, from, to }, '"price"'],
    [{ type: "draw", symbol: "AAPL", kind: "trend", from }, '"from" and "to"'],
    [
      { type: "draw", symbol: "AAPL", kind: "trend", from, to: { ...to, time: from.time } },
      "different times",
    ],
    [{ type: "draw", symbol: "AAPL", kind: "ray", price: 1 }, "kind must be"],
    [{ type: "draw", symbol: "AAPL", kind: "level", price: -1 }, "greater than 0"],
    [{ type: "draw", symbol: "AAPL", kind: "level", price: 1e10 }, "at most"],
    [{ type: "draw", symbol: "AAPL", kind: "trend", from: { time: -1, price: 1 }, to }, "negative"],
    [{ type: "draw", symbol: "AAPL", kind: "trend", from: { time: 0.5, price: 1 }, to }, "whole"],
    [{ type: "redraw", drawingId: "d1" }, "redraw takes"],
    [{ type: "redraw", drawingId: "d1", price: 1, from, to }, "redraw takes"],
    [{ type: "crosshair", symbol: "AAPL", time: 1 }, "time and price"],
    [{ type: "crosshair", symbol: "AAPL", time: 1, price: 2e9 }, "at most"],
  ])("refuses %j with a readable message", (frame, message) => {
    const r = parse(frame);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe("bad_message");
      expect(r.message).toContain(message);
    }
  });

  it("states the same alert limits as the alert rules", () => {
    expect(COLLAB_LIMITS.alertsPerList).toBe(ALERTS_PER_LIST);
    expect(COLLAB_LIMITS.alertsPerSymbol).toBe(ALERTS_PER_LIST_SYMBOL);
    expect(ALERT_MAX_CHANGE_PCT).toBeGreaterThan(0);
  });
});
