/**
 * Number and time formatting. Formatters are costly to build and cheap to reuse, so they are
 * cached; the user's locale decides separators, the room decides decimals.
 */

const cache = new Map<string, Intl.NumberFormat>();

function numberFormat(key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  let format = cache.get(key);
  if (!format) {
    format = new Intl.NumberFormat(undefined, options);
    cache.set(key, format);
  }
  return format;
}

/** A true minus sign lines up with the plus sign in tabular figures; a hyphen does not. */
const withMinus = (text: string) => text.replace("-", "\u2212");

export function formatPrice(value: number, decimals: number): string {
  return withMinus(
    numberFormat(`p${decimals}`, {
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
    }).format(value),
  );
}

/** A change in price, always signed: +1.25, −0.50. */
export function formatChange(value: number, decimals: number): string {
  return withMinus(
    numberFormat(`c${decimals}`, {
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
      signDisplay: "exceptZero",
    }).format(value),
  );
}

/** A change in percent (the protocol's `changePct`, already in percent): +1.23%. */
export function formatPercent(value: number): string {
  return withMinus(
    numberFormat("pct", {
      style: "percent",
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
      signDisplay: "exceptZero",
    }).format(value / 100),
  );
}

/** Volumes are read by magnitude: 120.7M, 3.4K. */
export function formatVolume(value: number): string {
  return numberFormat("vol", { notation: "compact", maximumFractionDigits: 1 }).format(value);
}

export type Direction = "up" | "down" | "flat";

export function directionOf(change: number): Direction {
  return change > 0 ? "up" : change < 0 ? "down" : "flat";
}

/** The second cue beside colour, for readers who cannot tell green from red. */
export const ARROW: Record<Direction, string> = { up: "▲", down: "▼", flat: "" };

// Made on first use, like the number formats: not while the entry evaluates (see early-start.ts).
let timeFormat: Intl.DateTimeFormat | null = null;

export function formatClock(time: number): string {
  timeFormat ??= new Intl.DateTimeFormat(undefined, {
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  return timeFormat.format(time);
}

/**
 * A bound of a range in a narrow column: whole units from 1,000 up, where cents would only
 * widen the column, the room's decimals below.
 */
export function formatRangeBound(value: number, decimals: number): string {
  return formatPrice(value, Math.abs(value) >= 1000 ? 0 : decimals);
}
