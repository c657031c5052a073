import { describe, expect, it } from "vitest";
import { contrastRatio, labelColors, parseHex } from "./contrast.ts";

const ratio = (a: string, b: string) =>
  contrastRatio(parseHex(a) as number[], parseHex(b) as number[]);

describe("contrastRatio", () => {
  it("gives WCAG's published extremes and a known pair", () => {
    expect(ratio("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(ratio("#777777", "#777777")).toBe(1);
    // WebAIM's checker: #767676 on white is the lightest grey at 4.5:1.
    expect(ratio("#767676", "#ffffff")).toBeCloseTo(4.54, 2);
  });
});

describe("labelColors", () => {
  // The presence palette the rooms hand out (party/rooms/watchlist/presence.ts).
  const palette = [
    "#e5484d",
    "#f76b15",
    "#ffc53d",
    "#46a758",
    "#12a594",
    "#0090ff",
    "#6e56cf",
    "#d6409f",
  ];

  it("reaches 4.5:1 on every presence colour", () => {
    for (const color of palette) {
      const { background, color: text } = labelColors(color);
      expect(ratio(text, background), color).toBeGreaterThanOrEqual(4.5);
    }
  });

  it("keeps a colour that already reads well, and darkens one that does not only a little", () => {
    expect(labelColors("#ffc53d")).toEqual({ background: "#ffc53d", color: "#141920" });
    expect(labelColors("#6e56cf")).toEqual({ background: "#6e56cf", color: "#ffffff" });
    const pink = parseHex(labelColors("#d6409f").background) as number[];
    expect(pink[0]).toBeGreaterThan(0.8 * 0xd6);
  });

  it("falls back to a grey for anything that is not #rrggbb", () => {
    const { background, color } = labelColors("red; background:url(x)");
    expect(ratio(color, background)).toBeGreaterThanOrEqual(4.5);
  });
});
