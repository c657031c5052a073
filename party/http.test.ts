import { describe, expect, it } from "vitest";
import { decodeRoomId, httpError, readBody, safeEqual } from "./http.ts";
import { ErrorCode } from "./protocol/index.ts";

describe("safeEqual", () => {
  it.each([
    ["", ""],
    ["Bearer s3cret", "Bearer s3cret"],
    ["Bearer ünïcødé", "Bearer ünïcødé"],
  ])("accepts equal secrets %j", (a, b) => {
    expect(safeEqual(a, b)).toBe(true);
  });

  it.each([
    ["a different last character", "Bearer s3cret", "Bearer s3creT"],
    ["a different first character", "Bearer s3cret", "bearer s3cret"],
    ["a prefix", "Bearer s3cret", "Bearer s3cre"],
    ["a longer string", "Bearer s3cret", "Bearer s3cret "],
    ["an empty string", "", "Bearer s3cret"],
    ["a trailing NUL", "abc", "abc\u0000"],
    ["the same letters in another normal form", "é", "e\u0301"],
  ])("refuses %s", (_what, a, b) => {
    expect(safeEqual(a, b)).toBe(false);
    expect(safeEqual(b, a)).toBe(false);
  });
});

/** A POST whose body arrives as a stream of chunks, as from a real client. */
function streamedRequest(
  chunks: Uint8Array[],
  headers: Record<string, string> = {},
): { request: Request; cancelled: () => boolean; pulls: () => number } {
  let cancelled = false;
  let pulls = 0;
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulls++;
      const chunk = chunks[i++];
      if (chunk) controller.enqueue(chunk);
      else controller.close();
    },
    cancel() {
      cancelled = true;
    },
  });
  // `duplex` is required by Node's fetch for a streamed body but is missing from the DOM types.
  const init = { method: "POST", body, headers, duplex: "half" } as RequestInit;
  return {
    request: new Request("http://localhost/parties/ticker/AAPL", init),
    cancelled: () => cancelled,
    pulls: () => pulls,
  };
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe("readBody", () => {
  it("returns a body under the limit as text", async () => {
    const { request } = streamedRequest([bytes('{"ticks":'), bytes("[[1,2,3]]}")]);
    expect(await readBody(request, 100)).toBe('{"ticks":[[1,2,3]]}');
  });

  it("accepts a body of exactly the limit", async () => {
    const { request } = streamedRequest([bytes("12345"), bytes("67890")]);
    expect(await readBody(request, 10)).toBe("1234567890");
  });

  it("refuses a body one byte over the limit", async () => {
    const { request } = streamedRequest([bytes("12345"), bytes("678901")]);
    expect(await readBody(request, 10)).toBeNull();
  });

  it("decodes a multi-byte character split across chunks", async () => {
    const euro = bytes("€");
    const { request } = streamedRequest([euro.slice(0, 1), euro.slice(1), bytes("!")]);
    expect(await readBody(request, 100)).toBe("€!");
  });

  it("counts bytes, not characters", async () => {
    const { request } = streamedRequest([bytes("€€€€")]);
    expect(await readBody(request, 11)).toBeNull();
  });

  it("refuses at once when the declared length is over the limit", async () => {
    const { request, pulls } = streamedRequest([bytes("x")], { "content-length": "1000001" });
    expect(await readBody(request, 1_000_000)).toBeNull();
    expect(pulls()).toBeLessThanOrEqual(1);
  });

  it("does not trust a declared length that is too small", async () => {
    const { request } = streamedRequest([bytes("x".repeat(20))], { "content-length": "5" });
    expect(await readBody(request, 10)).toBeNull();
  });

  it("stops reading an endless body soon after the limit, and cancels it", async () => {
    let pulls = 0;
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        controller.enqueue(new Uint8Array(1024));
      },
      cancel() {
        cancelled = true;
      },
    });
    const init = { method: "POST", body, duplex: "half" } as RequestInit;
    const request = new Request("http://localhost/", init);
    expect(await readBody(request, 4096)).toBeNull();
    expect(cancelled).toBe(true);
    // A few chunks of read-ahead at most, never the whole stream.
    expect(pulls).toBeLessThan(20);
  });

  it("reads a plain string body", async () => {
    const request = new Request("http://localhost/", { method: "POST", body: "abc" });
    expect(await readBody(request, 3)).toBe("abc");
  });

  it("reads a request without a body as empty text", async () => {
    const request = new Request("http://localhost/", { method: "POST" });
    expect(await readBody(request, 10)).toBe("");
  });
});

describe("decodeRoomId", () => {
  it.each([
    ["AAPL", "AAPL"],
    ["BRK.B", "BRK.B"],
    ["BRK%2EB", "BRK.B"],
    ["BTC%2DUSD", "BTC-USD"],
    ["%20AAPL", " AAPL"],
    ["%C3%84", "Ä"],
  ])("decodes %j to %j", (id, decoded) => {
    expect(decodeRoomId(id)).toBe(decoded);
  });

  it.each(["%", "%E0%A4%A", "AAPL%", "%ZZ", "%C3"])(
    "gives null for malformed percent-encoding %j instead of throwing",
    (id) => {
      expect(decodeRoomId(id)).toBeNull();
    },
  );
});

describe("httpError", () => {
  it("answers with the protocol's error body and the given status", async () => {
    const response = httpError(400, ErrorCode.badSymbol, "use AAPL");
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      error: { code: "bad_symbol", message: "use AAPL" },
    });
  });
});
