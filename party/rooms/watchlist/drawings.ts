/**
 * The drawings on a list's charts as the list room keeps them: one storage key each, what
 * everyone sees of them, whether a new one fits, and what moving one does.
 */
import {
  COLLAB_LIMITS,
  type Drawing,
  type DrawingMove,
  ErrorCode,
  type PricePoint,
} from "../../protocol/index.ts";
import type { Refusal } from "./list-alerts.ts";

export const DRAWING_PREFIX = "drawing:";

export type StoredDrawing = Drawing & { drawnAt: number };

/** A `draw` frame's drawing, without the frame's own fields. */
export type NewDrawing =
  | { symbol: string; kind: "level"; price: number }
  | { symbol: string; kind: "trend"; from: PricePoint; to: PricePoint };

export function drawingKey(id: string): string {
  return `${DRAWING_PREFIX}${id}`;
}

export function drawingsInOrder(drawings: Iterable<StoredDrawing>): StoredDrawing[] {
  return [...drawings].sort((a, b) => a.drawnAt - b.drawnAt || (a.id < b.id ? -1 : 1));
}

/** What `state.drawings` shows of one. */
export function drawingView(d: StoredDrawing): Drawing {
  const base = { id: d.id, symbol: d.symbol, by: d.by, color: d.color };
  return d.kind === "level"
    ? { ...base, kind: "level", price: d.price }
    : { ...base, kind: "trend", from: point(d.from), to: point(d.to) };
}

function point(p: PricePoint): PricePoint {
  return { time: p.time, price: p.price };
}

/** A new drawing as stored: its author's name and colour kept with it. */
export function newDrawing(
  id: string,
  drawing: NewDrawing,
  author: { name: string; color: string },
  now: number,
): StoredDrawing {
  const base = { id, symbol: drawing.symbol, by: author.name, color: author.color, drawnAt: now };
  return drawing.kind === "level"
    ? { ...base, kind: "level", price: drawing.price }
    : { ...base, kind: "trend", from: point(drawing.from), to: point(drawing.to) };
}

/**
 * Why a new drawing on `symbol` cannot be made, or null: the symbol must be in the list
 * (`bad_message`), and the list must have room (`full`: 200 drawings, 20 on one symbol).
 */
export function refuseDrawing(
  symbols: readonly string[],
  drawings: Iterable<StoredDrawing>,
  symbol: string,
): Refusal | null {
  if (!symbols.includes(symbol)) {
    return {
      code: ErrorCode.badMessage,
      message: `${symbol} is not in this list: add it before drawing on its chart`,
    };
  }
  let list = 0;
  let onSymbol = 0;
  for (const d of drawings) {
    list++;
    if (d.symbol === symbol) onSymbol++;
  }
  if (list >= COLLAB_LIMITS.drawingsPerList) {
    return {
      code: ErrorCode.full,
      message: `a list holds at most ${COLLAB_LIMITS.drawingsPerList} drawings; delete one first`,
    };
  }
  if (onSymbol >= COLLAB_LIMITS.drawingsPerSymbol) {
    return {
      code: ErrorCode.full,
      message: `a list holds at most ${COLLAB_LIMITS.drawingsPerSymbol} drawings on ${symbol}; delete one first`,
    };
  }
  return null;
}

export type Moved =
  | { ok: true; drawing: StoredDrawing; changed: boolean }
  | ({ ok: false } & Refusal);

/** The drawing at its new place; a level moves by its price, a trend line by its two points. */
export function moveDrawing(drawing: StoredDrawing, move: DrawingMove): Moved {
  if (drawing.kind === "level") {
    if (!("price" in move)) {
      return {
        ok: false,
        code: ErrorCode.badMessage,
        message: `drawing ${drawing.id} is a level: move it with "price"`,
      };
    }
    return {
      ok: true,
      drawing: { ...drawing, price: move.price },
      changed: move.price !== drawing.price,
    };
  }
  if (!("from" in move)) {
    return {
      ok: false,
      code: ErrorCode.badMessage,
      message: `drawing ${drawing.id} is a trend line: move it with "from" and "to"`,
    };
  }
  const same = (a: PricePoint, b: PricePoint) => a.time === b.time && a.price === b.price;
  return {
    ok: true,
    drawing: { ...drawing, from: point(move.from), to: point(move.to) },
    changed: !same(move.from, drawing.from) || !same(move.to, drawing.to),
  };
}
