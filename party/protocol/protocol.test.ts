import { describe, expect, it } from "vitest";
import {
  canonicalSymbol,
  checkSymbol,
  ErrorCode,
  isWatchlistId,
  LIMITS,
  parseFrame,
  TickerClientMessageSchema,
  utf8Length,
} from "./index.ts";

describe("checkSymbol and canonicalSymbol", () => {
  it.each(["AAPL", "BRK.B", "BTC-USD", "V", "9988", "A".repeat(15)])(
    "accepts the canonical symbol %s as it is",
    (symbol) => {
      expect(checkSymbol(symbol)).toEqual({ ok: true, symbol });
      expect(canonicalSymbol(symbol)).toBe(symbol);
    },
  );

  it.each([
    ["aapl", "AAPL"],
    [" AAPL ", "AAPL"],
    ["brk.b", "BRK.B"],
    ["\tbtc-usd\n", "BTC-USD"],
  ])("refuses %j but names the symbol %s it should have been", (raw, canonical) => {
    const check = checkSymbol(raw);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    // The client is told exactly what to ask for instead.
    expect(check.canonical).toBe(canonical);
    expect(check.message).toContain(canonical);
    expect(canonicalSymbol(raw)).toBe(canonical);
  });

  it.each([
    ["16 characters", "ABCDEFGHIJKLMNOP"],
    ["a leading dash", "-AAPL"],
    ["a leading dot", ".AAPL"],
    ["the empty string", ""],
    ["only spaces", "   "],
    ["a dollar sign", "A$B"],
    ["an inner space", "BRK B"],
    ["a slash", "BTC/USD"],
    ["a letter outside ASCII", "ÄPFEL"],
    ["an emoji", "📈"],
    ["a full-width letter", "ＡＡＰＬ"],
  ])("refuses %s with a message and no canonical form", (_what, raw) => {
    const check = checkSymbol(raw);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.canonical).toBeUndefined();
    expect(check.message).toMatch(/not a symbol/);
    expect(canonicalSymbol(raw)).toBeNull();
  });

  it("keeps the message short for a long bad name", () => {
    const check = checkSymbol("x".repeat(5000));
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.message.length).toBeLessThan(200);
  });
});

describe("isWatchlistId", () => {
  it.each([
    [15, false],
    [16, true],
    [64, true],
    [65, false],
  ])("an id of %i characters is valid: %s", (length, valid) => {
    expect(isWatchlistId("a".repeat(length))).toBe(valid);
  });

  it("accepts letters of both cases, digits, dashes and underscores", () => {
    expect(isWatchlistId("aZ09_-aZ09_-aZ09")).toBe(true);
  });

  it.each([
    "abcdefghijklmno.",
    "abcdefghijklmno/",
    "abcdefghijklmno ",
    "abcdefghijklmnoé",
    "abcdefghijklmno+",
    "abcdefghijklmno%",
  ])("refuses %j", (id) => {
    expect(id.length).toBe(16);
    expect(isWatchlistId(id)).toBe(false);
  });
});

describe("parseFrame", () => {
  const parse = (frame: string | ArrayBuffer | ArrayBufferView) =>
    parseFrame(TickerClientMessageSchema, frame);

  it("accepts a ping, with or without a ref", () => {
    expect(parse('{"type":"ping"}')).toEqual({ ok: true, value: { type: "ping" } });
    expect(parse('{"type":"ping","ref":"r1"}')).toEqual({
      ok: true,
      value: { type: "ping", ref: "r1" },
    });
  });

  it.each([
    ["text that is not JSON", "hello"],
    ["truncated JSON", '{"type":"ping"'],
    ["an empty frame", ""],
  ])("answers %s with bad_message", (_what, frame) => {
    const result = parse(frame);
    expect(result).toMatchObject({ ok: false, code: ErrorCode.badMessage });
  });

  it("names an unknown type", () => {
    const result = parse('{"type":"subscribe"}');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe(ErrorCode.badMessage);
    expect(result.message).toContain("subscribe");
  });

  it("says when a message has no type", () => {
    const result = parse('{"ref":"x"}');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe(ErrorCode.badMessage);
    expect(result.message).toMatch(/no type/);
  });

  it.each(["42", "null", "[]", '"ping"'])("refuses the JSON value %s", (frame) => {
    expect(parse(frame)).toMatchObject({ ok: false, code: ErrorCode.badMessage });
  });

  it("refuses a ref that is too long or not a string", () => {
    expect(parse(JSON.stringify({ type: "ping", ref: "r".repeat(65) }))).toMatchObject({
      ok: false,
      code: ErrorCode.badMessage,
    });
    expect(parse('{"type":"ping","ref":5}')).toMatchObject({
      ok: false,
      code: ErrorCode.badMessage,
    });
  });

  it("refuses binary frames: small ones as bad_message, large ones as too_large", () => {
    const ping = new TextEncoder().encode('{"type":"ping"}');
    expect(parse(ping)).toMatchObject({ ok: false, code: ErrorCode.badMessage });
    expect(parse(ping.buffer)).toMatchObject({ ok: false, code: ErrorCode.badMessage });
    expect(parse(new Uint8Array(LIMITS.frameBytes + 1))).toMatchObject({
      ok: false,
      code: ErrorCode.tooLarge,
    });
  });

  /** A ping padded with a ref-like field to exactly `bytes` bytes of UTF-8. */
  const paddedPing = (bytes: number, unit = "x") => {
    const head = '{"type":"ping","pad":"';
    const tail = '"}';
    const unitBytes = new TextEncoder().encode(unit).byteLength;
    const room = bytes - head.length - tail.length;
    const frame =
      head + unit.repeat(Math.floor(room / unitBytes)) + "x".repeat(room % unitBytes) + tail;
    expect(new TextEncoder().encode(frame).byteLength).toBe(bytes);
    return frame;
  };

  it("parses a frame of exactly 4096 bytes and refuses one of 4097 as too_large", () => {
    expect(parse(paddedPing(LIMITS.frameBytes)).ok).toBe(true);
    const result = parse(paddedPing(LIMITS.frameBytes + 1));
    expect(result).toMatchObject({ ok: false, code: ErrorCode.tooLarge });
    if (!result.ok) expect(result.message).toContain(String(LIMITS.frameBytes + 1));
  });

  it.each([
    ["two-byte", "é"],
    ["three-byte", "€"],
    ["four-byte", "😀"],
  ])("counts bytes, not characters: %s characters over 4096 bytes are too_large", (_what, unit) => {
    const frame = paddedPing(LIMITS.frameBytes + 1, unit);
    expect(frame.length).toBeLessThan(LIMITS.frameBytes);
    expect(parse(frame)).toMatchObject({ ok: false, code: ErrorCode.tooLarge });
    expect(parse(paddedPing(LIMITS.frameBytes, unit)).ok).toBe(true);
  });

  it("reports the size of a huge frame without trying to parse it", () => {
    const result = parse(`{"type":"ping","pad":"${"x".repeat(1_000_000)}"}`);
    expect(result).toMatchObject({ ok: false, code: ErrorCode.tooLarge });
  });
});

describe("utf8Length", () => {
  // Exported beside the limits, for clients that check a frame before sending it: it must be
  // a byte count whatever the text, not only when the text is long.
  it("counts ASCII text", () => {
    expect(utf8Length("ping")).toBe(4);
    expect(utf8Length("x".repeat(5000))).toBe(5000);
  });

  it("counts long multi-byte text exactly", () => {
    expect(utf8Length("€".repeat(2000))).toBe(6000);
  });

  it("counts short multi-byte text in bytes", () => {
    // é is 2 bytes in UTF-8, € 3, 😀 4 (two UTF-16 code units).
    expect([utf8Length("é"), utf8Length("€"), utf8Length("😀")]).toEqual([2, 3, 4]);
  });
});
