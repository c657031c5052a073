/**
 * Colours of indicator and compared lines, read from the custom properties in studies.css (as
 * the chart's own colours are read from styles.css), for the scheme in effect.
 */
import type { ColorScheme } from "../color-scheme.ts";

export type StudyPalette = {
  /** One per indicator, in the order they are listed, and again from the start. */
  lines: readonly string[];
  /** One per compared symbol. */
  compare: readonly string[];
  /** MACD's signal line. */
  signal: string;
  /** MACD's histogram above and below zero. */
  up: string;
  down: string;
  /** RSI's reference levels. */
  level: string;
};

const palettes = new Map<ColorScheme, StudyPalette>();

export function studyPalette(scheme: ColorScheme): StudyPalette {
  const cached = palettes.get(scheme);
  if (cached) return cached;
  const style = getComputedStyle(document.documentElement);
  const read = (name: string) => style.getPropertyValue(name).trim();
  const list = (prefix: string) => {
    const out: string[] = [];
    for (let i = 1; ; i++) {
      const color = read(`${prefix}${i}`);
      if (color === "") return out;
      out.push(color);
    }
  };
  const palette: StudyPalette = {
    lines: list("--study-"),
    compare: list("--compare-"),
    signal: read("--study-signal"),
    up: read("--study-up"),
    down: read("--study-down"),
    level: read("--study-level"),
  };
  palettes.set(scheme, palette);
  return palette;
}

/** The colour at `index`, going round the list; a fixed grey if the list is empty. */
export const pick = (list: readonly string[], index: number): string =>
  list[index % Math.max(1, list.length)] ?? "#888888";
