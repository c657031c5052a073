import { describe, expect, it } from "vitest";
import { matchesHash, randomToken, sha256Hex } from "./secrets.ts";

describe("randomToken", () => {
  it("is URL-safe base64 of the asked length, and never the same twice", () => {
    const tokens = Array.from({ length: 200 }, () => randomToken(16));
    for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(randomToken(6)).toMatch(/^[A-Za-z0-9_-]{8}$/);
  });
});

describe("sha256Hex", () => {
  it("gives the standard digest of the text's UTF-8", async () => {
    expect(await sha256Hex("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    expect(await sha256Hex("é")).not.toBe(await sha256Hex("e\u0301"));
  });
});

describe("matchesHash", () => {
  it("accepts the secret and nothing else, not even the hash itself", async () => {
    const hash = await sha256Hex("s3cret");
    expect(await matchesHash("s3cret", hash)).toBe(true);
    for (const wrong of ["s3creT", "s3cret ", "", hash]) {
      expect(await matchesHash(wrong, hash)).toBe(false);
    }
  });
});
