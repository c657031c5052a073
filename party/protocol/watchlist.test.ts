import * as v from "valibot";
import { describe, expect, it } from "vitest";
import {
  CreateWatchlistSchema,
  DisplayNameSchema,
  isGuessableWatchlistId,
  parseFrame,
  WatchlistClientMessageSchema,
} from "./index.ts";

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
      { type: "add", symbols: ["AAPL", "MSFT"] },
      { type: "add", symbols: ["AAPL"], index: 2, ref: "b" },
      { type: "auth", key: "Zm9vYmFyYmF6cXV4cXV1eA" },
      { type: "rotate" },
      { type: "rotate", ref: "r" },
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
    [{ type: "add", symbols: [] }, "empty"],
    [{ type: "add", symbols: ["AAPL", "msft"] }, "use MSFT"],
    [{ type: "add", symbols: Array.from({ length: 51 }, (_, i) => `S${i}`) }, "50"],
    [{ type: "add", symbols: "AAPL" }, "array"],
    [{ type: "add", symbol: "AAPL", symbols: ["MSFT"] }, "not both"],
    [{ type: "auth" }, "key"],
    [{ type: "auth", key: "" }, "empty"],
    [{ type: "auth", key: "k".repeat(129) }, "long"],
    [{ type: "rename", name: "\u202Eecila\u200B" }, "bidirectional"],
    [{ type: "rename", name: "Tab\tin" }, "control"],
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
    expect(v.safeParse(CreateWatchlistSchema, { name: "Tech\u200B" }).success).toBe(false);
  });
});

describe("names", () => {
  const display = (name: string) => v.safeParse(DisplayNameSchema, name);

  it("normalises display names to NFC", () => {
    const parsed = display("Zoe\u0301");
    expect(parsed.success && parsed.output).toBe("Zo\u00e9");
  });

  it.each([
    ["a right-to-left override and a zero-width space", "\u202Eecila\u200B"],
    ["a control character", "Ann\u0007"],
    ["a newline inside", "Ann\nBen"],
    ["a left-to-right mark", "Ann\u200E"],
    ["a right-to-left mark", "Ann\u200F"],
    ["an Arabic letter mark", "Ann\u061C"],
    ["an isolate", "\u2066Ann\u2069"],
    ["a zero-width joiner", "A\u200Dnn"],
    ["a word joiner", "A\u2060nn"],
    ["a byte-order mark inside", "A\uFEFFnn"],
    ["a lone surrogate", "Ann\uD800"],
  ])("refuses a name with %s", (_why, name) => {
    const parsed = display(name);
    expect(parsed.success).toBe(false);
  });

  it("keeps names in any script, emoji and markup as plain text", () => {
    for (const name of ["Zoë", "محمد", "山田", "Ann 🚀", "<b>Ann</b>"]) {
      expect(display(name).success, name).toBe(true);
    }
  });
});

describe("isGuessableWatchlistId", () => {
  it.each([
    "aaaaaaaaaaaaaaaa",
    "abababababababab",
    "0000000000000001",
    "abcdeabcdeabcdea",
    "abcdefabcdefabcdef",
    "abcdefghijklmnop",
    "ponmlkjihgfedcba",
    "0123456789ABCDEF",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcde",
  ])("refuses %s", (id) => {
    expect(isGuessableWatchlistId(id)).toBe(true);
  });

  it("accepts random ids", () => {
    for (const id of ["Qx7pV2mLk9RtZ3wNc8bJ4h", "aZ09_-aZ09_-aZ09x", "abcdefghijklmnoq"]) {
      expect(isGuessableWatchlistId(id), id).toBe(false);
    }
    for (let i = 0; i < 500; i++) {
      const bytes = crypto.getRandomValues(new Uint8Array(12));
      const id = Buffer.from(bytes).toString("base64url");
      expect(isGuessableWatchlistId(id), id).toBe(false);
    }
  });
});
