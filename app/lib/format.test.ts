import { describe, expect, it } from "vitest";
import { formatRangeBound } from "./format.ts";

describe("formatRangeBound", () => {
  it("keeps the room's decimals below 1,000 and drops them from there up", () => {
    const grouped = (1234).toLocaleString();
    expect(formatRangeBound(187.4, 2)).toBe(
      (187.4).toLocaleString(undefined, { minimumFractionDigits: 2 }),
    );
    expect(formatRangeBound(0.12345, 4)).toBe(
      (0.1235).toLocaleString(undefined, { minimumFractionDigits: 4 }),
    );
    expect(formatRangeBound(1234.56, 2)).toBe((1235).toLocaleString());
    expect(formatRangeBound(1234, 2)).toBe(grouped);
    expect(formatRangeBound(-1500.5, 2)).toBe(`\u2212${(1501).toLocaleString()}`);
  });
});
