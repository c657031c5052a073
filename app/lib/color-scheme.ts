/**
 * The colour scheme follows the system (`prefers-color-scheme`). CSS handles the page; the
 * chart draws on a canvas, so it reads the same colours from CSS custom properties whenever
 * the scheme changes, and styles.css stays the one place where colours are defined.
 */
import { useSyncExternalStore } from "react";

export type ColorScheme = "light" | "dark";

const query =
  typeof window === "undefined" ? null : window.matchMedia("(prefers-color-scheme: dark)");

function subscribe(onChange: () => void): () => void {
  query?.addEventListener("change", onChange);
  return () => query?.removeEventListener("change", onChange);
}

/** The scheme now, for code outside React (a chart being created). */
export const currentScheme = (): ColorScheme => (query?.matches ? "dark" : "light");

export function useColorScheme(): ColorScheme {
  return useSyncExternalStore(subscribe, currentScheme, () => "light");
}

export type ChartColors = {
  background: string;
  text: string;
  grid: string;
  border: string;
  crosshair: string;
  up: string;
  down: string;
  volumeUp: string;
  volumeDown: string;
  line: string;
};

/**
 * The chart palette of `scheme`, read from the CSS custom properties. Call it once the scheme
 * is in effect (after the media query changed), which is when React reports it.
 */
export function chartColors(scheme: ColorScheme): ChartColors {
  const cached = palettes.get(scheme);
  if (cached) return cached;
  const style = getComputedStyle(document.documentElement);
  const read = (name: string) => style.getPropertyValue(name).trim();
  const colors = {
    background: read("--surface"),
    text: read("--text-muted"),
    grid: read("--grid"),
    border: read("--border"),
    crosshair: read("--crosshair"),
    up: read("--up"),
    down: read("--down"),
    volumeUp: read("--volume-up"),
    volumeDown: read("--volume-down"),
    line: read("--accent"),
  };
  palettes.set(scheme, colors);
  return colors;
}

const palettes = new Map<ColorScheme, ChartColors>();
