/**
 * The arithmetic of drawings on a chart, pure: where a time falls among the chart's bars (a
 * trend line's ends and a crosshair may lie between bars or past the last one), which drawing
 * is under the pointer, and where a dragged drawing ends up.
 */
import type { Drawing, PricePoint } from "../../party/protocol/index.ts";

/**
 * A time (ms) as a logical bar index: whole at a bar, fractional between two, and past either
 * end at the spacing of the two bars nearest it. Null without two bars to measure by (or at a
 * single bar's own time, its index 0).
 */
export function timeToLogical(times: readonly number[], time: number): number | null {
  const n = times.length;
  if (n === 0) return null;
  if (n === 1) return times[0] === time ? 0 : null;
  const at = (i: number) => times[i] as number;
  if (time <= at(0)) return span(0, at(0), at(1), time);
  if (time >= at(n - 1)) return span(n - 2, at(n - 2), at(n - 1), time);
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (at(mid) <= time) lo = mid;
    else hi = mid;
  }
  return span(lo, at(lo), at(hi), time);
}

function span(index: number, a: number, b: number, time: number): number {
  return b === a ? index : index + (time - a) / (b - a);
}

/** The inverse of `timeToLogical`, to whole milliseconds. */
export function logicalToTime(times: readonly number[], logical: number): number | null {
  const n = times.length;
  if (n < 2) return n === 1 && logical === 0 ? (times[0] as number) : null;
  const i = Math.min(n - 2, Math.max(0, Math.floor(logical)));
  const a = times[i] as number;
  const b = times[i + 1] as number;
  return Math.max(0, Math.round(a + (logical - i) * (b - a)));
}

export type Pixel = { x: number; y: number };

/** A drawing where it is on the screen now: a level's height, or a line's two ends. */
export type PlacedDrawing =
  | { id: string; kind: "level"; y: number }
  | { id: string; kind: "trend"; from: Pixel; to: Pixel };

/** How near (CSS pixels) the pointer must come to a drawing to pick it. */
export const PICK_PX = 8;

export function distanceTo(placed: PlacedDrawing, p: Pixel): number {
  if (placed.kind === "level") return Math.abs(p.y - placed.y);
  const { from: a, to: b } = placed;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length = dx * dx + dy * dy;
  const t =
    length === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / length));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

/** The drawing under the pointer: the nearest within `PICK_PX`, the newest on a tie. */
export function pick(placed: readonly PlacedDrawing[], p: Pixel): string | null {
  let best: { id: string; d: number } | null = null;
  for (const item of placed) {
    const d = distanceTo(item, p);
    if (d <= PICK_PX && (best === null || d <= best.d)) best = { id: item.id, d };
  }
  return best?.id ?? null;
}

/** The least price a drawing may have: the room takes prices greater than 0. */
const FLOOR = 1e-9;

/**
 * A drawing dragged from where the pointer went down (`start`) to where it is (`now`): a level
 * follows the price, a trend line keeps its shape and follows both. Null when it would leave
 * the chart's prices (at or below 0).
 */
export function dragged(drawing: Drawing, start: PricePoint, now: PricePoint): Drawing | null {
  const dp = now.price - start.price;
  if (drawing.kind === "level") {
    const price = drawing.price + dp;
    return price > FLOOR ? { ...drawing, price } : null;
  }
  const dt = Math.round(now.time - start.time);
  const shift = (p: PricePoint) => ({ time: p.time + dt, price: p.price + dp });
  const from = shift(drawing.from);
  const to = shift(drawing.to);
  if (from.price <= FLOOR || to.price <= FLOOR || from.time < 0 || to.time < 0) return null;
  return { ...drawing, from, to };
}

/** A price rounded to the chart's decimals, as it is sent and listed. */
export function roundPrice(price: number, decimals: number): number {
  const factor = 10 ** Math.max(0, Math.min(8, decimals));
  return Math.round(price * factor) / factor;
}
