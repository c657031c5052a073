import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { CreateWatchlistSchema, parseFrame, WatchlistClientMessageSchema } from "./index.ts";

describe("watchlist frames", () => {
  const parse = (frame: unknown) =>
    parseFrame(
      WatchlistClientMessageSchema,
      typeof frame === "string" ? frame : JSON.stringify(frame),
    );

  it("accepts every intent in its documented shape", () => {
    for (const frame of [
      { type: "add", symbol: "AAPL" },
      { type: "add", symbol: "BRK.B", index: 0, ref: "r1" },
      { type: "remove", symbol: "BTC-USD" },
      { type: "move", symbol: "AAPL", index: 3 },
      { type: "rename", name: "  Tech  " },
      { type: "focus", symbol: "AAPL" },
      { type: "focus", symbol: null },
      { type: "ping", ref: "x" },
    ]) {
      expect(parse(frame).ok, JSON.stringify(frame)).toBe(true);
    }
  });

  it("trims names", () => {
    const r = parse({ type: "rename", name: "  Tech  " });
    expect(r.ok && r.value.type === "rename" && r.value.name).toBe("Tech");
  });

  it.each([
    [{ type: "add" }, "symbol"],
    [{ type: "add", symbol: "aapl" }, "use AAPL"],
    [{ type: "add", symbol: "A$B" }, "not a symbol"],
    [{ type: "add", symbol: "AAPL", index: -1 }, "negative"],
    [{ type: "add", symbol: "AAPL", index: 1.5 }, "whole"],
    [{ type: "move", symbol: "AAPL" }, "index"],
    [{ type: "rename", name: "   " }, "empty"],
    [{ type: "rename", name: "x".repeat(81) }, "80"],
    [{ type: "focus" }, "symbol"],
    [{ type: "add", symbol: "AAPL", ref: "r".repeat(65) }, "ref"],
    [{ type: "delete", symbol: "AAPL" }, 'unknown message type "delete"'],
    [{ symbol: "AAPL" }, "no type"],
  ])("refuses %j with a message about %s", (frame, words) => {
    const r = parse(frame);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe("bad_message");
      expect(r.message).toContain(words);
    }
  });

  it("validates create bodies", () => {
    expect(v.safeParse(CreateWatchlistSchema, {}).success).toBe(true);
    expect(v.safeParse(CreateWatchlistSchema, { name: "A", symbols: ["AAPL"] }).success).toBe(true);
    expect(v.safeParse(CreateWatchlistSchema, { symbols: ["aapl"] }).success).toBe(false);
    expect(v.safeParse(CreateWatchlistSchema, { name: "" }).success).toBe(false);
    expect(v.safeParse(CreateWatchlistSchema, { symbols: Array(51).fill("AAPL") }).success).toBe(
      false,
    );
    expect(v.safeParse(CreateWatchlistSchema, []).success).toBe(false);
  });
});
