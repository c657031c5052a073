/** WCAG 2 contrast, for colours chosen at run time (presence colours) rather than in CSS. */

/** `#rrggbb` as `[r, g, b]`, or null. */
export function parseHex(color: string): [number, number, number] | null {
  if (!/^#[0-9a-f]{6}$/i.test(color)) return null;
  return [1, 3, 5].map((i) => Number.parseInt(color.slice(i, i + 2), 16)) as [
    number,
    number,
    number,
  ];
}

function luminance([r, g, b]: readonly number[]): number {
  const channel = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r ?? 0) + 0.7152 * channel(g ?? 0) + 0.0722 * channel(b ?? 0);
}

export function contrastRatio(a: readonly number[], b: readonly number[]): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const toHex = (rgb: readonly number[]) =>
  `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, "0")).join("")}`;

const WHITE = [255, 255, 255];
const INK = [20, 25, 32];
/** WCAG AA for text of a normal size. */
const AA = 4.5;

/**
 * Text and background for a small label on `color`: white or dark ink, whichever reads better,
 * and when neither reaches 4.5:1 the colour darkened just enough for white to.
 */
export function labelColors(color: string): { background: string; color: string } {
  let rgb: readonly number[] = parseHex(color) ?? [107, 116, 130];
  const ink = contrastRatio(rgb, INK);
  const white = contrastRatio(rgb, WHITE);
  if (ink >= AA && ink >= white) return { background: toHex(rgb), color: toHex(INK) };
  while (contrastRatio(rgb, WHITE) < AA) rgb = rgb.map((c) => c * 0.95);
  return { background: toHex(rgb), color: "#ffffff" };
}
