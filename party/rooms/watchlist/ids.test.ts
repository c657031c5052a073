import { describe, expect, it, vi } from "vitest";
import { freshId, newUserId } from "./ids.ts";

describe("ids", () => {
  it("are short and URL-safe", () => {
    expect(newUserId()).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(freshId(new Map())).toMatch(/^[A-Za-z0-9_-]{8}$/);
  });

  it("draws again when the id is taken", () => {
    const draws = [new Uint8Array(6), new Uint8Array(6).fill(1)];
    const spy = vi
      .spyOn(crypto, "getRandomValues")
      .mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
        const next = draws.shift() ?? new Uint8Array(6).fill(2);
        (array as unknown as Uint8Array).set(next);
        return array;
      });
    try {
      expect(freshId(new Map([["AAAAAAAA", 1]]))).toBe("AQEBAQEB");
    } finally {
      spy.mockRestore();
    }
  });
});
