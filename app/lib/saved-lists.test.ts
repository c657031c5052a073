import { describe, expect, it } from "vitest";
import { isWatchlistId } from "../../party/protocol/index.ts";
import { newWatchlistId } from "./saved-lists.ts";

describe("newWatchlistId", () => {
  it("makes ids the rooms accept, of 22 base64url characters", () => {
    for (let i = 0; i < 200; i++) {
      const id = newWatchlistId();
      expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(isWatchlistId(id)).toBe(true);
    }
  });

  it("does not repeat itself", () => {
    const ids = new Set(Array.from({ length: 1000 }, newWatchlistId));
    expect(ids.size).toBe(1000);
  });
});
