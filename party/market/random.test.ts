import { describe, expect, it } from "vitest";
import { DrawStream, fatTailed, uniform } from "./random.ts";

describe("DrawStream", () => {
  it("draws exactly what uniform and fatTailed draw, for any index", () => {
    const indices = [0, 1, 2047, -1, -86_400, 2 ** 32 - 1, 2 ** 32, 7.3e12, -(2 ** 40) + 5];
    for (const seed of [0, 1, 0xdeadbeef, 2_166_136_261]) {
      for (const stream of [1, 3, 6, 12]) {
        const draws = new DrawStream(seed, stream);
        for (const i of indices) {
          expect(draws.uniform(i)).toBe(uniform(seed, stream, i));
          expect(draws.fatTailed(i)).toBe(fatTailed(seed, stream, i));
        }
      }
    }
  });
});
