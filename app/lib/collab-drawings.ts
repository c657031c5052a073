/**
 * The drawings on a list's charts as this page shows them: the server's drawings with this
 * person's own changes laid over them until the server has settled each one. Pure: the
 * watchlist state applies these functions, the tests call them directly.
 *
 * The room sends the new `state` before it acknowledges the change that made it, so a change
 * is usually settled by its `ack`; one acknowledged before its `state` is settled by that.
 */
import type {
  Drawing,
  DrawingMove,
  DrawMessage,
  PricePoint,
  User,
} from "../../party/protocol/index.ts";

/** A drawing as it goes out: a level's price, or a trend line's two points. */
export type NewDrawing =
  | { symbol: string; kind: "level"; price: number }
  | { symbol: string; kind: "trend"; from: PricePoint; to: PricePoint };

/** A change of this person's, as sent: each carries the `ref` the room answers with. */
export type DrawingChange =
  | { type: "draw"; ref: string; drawing: NewDrawing }
  | { type: "redraw"; ref: string; drawingId: string; move: DrawingMove }
  | { type: "undraw"; ref: string; drawingId: string };

/** The frames that carry those changes, as the wire has them. */
export type DrawingFrame =
  | DrawMessage
  | { type: "redraw"; drawingId: string; price: number; ref: string }
  | { type: "redraw"; drawingId: string; from: PricePoint; to: PricePoint; ref: string }
  | { type: "undraw"; drawingId: string; ref: string };

type Pending = { change: DrawingChange; acked: boolean };

export type DrawingsState = {
  server: readonly Drawing[];
  pending: readonly Pending[];
  /** What the charts show: the server's drawings with the pending changes laid over them. */
  view: readonly Drawing[];
};

export const noDrawings: DrawingsState = { server: [], pending: [], view: [] };

/** The id a drawing not yet acknowledged goes by on this page. */
export const pendingId = (ref: string) => `pending:${ref}`;

export function drawingFrame(change: DrawingChange): DrawingFrame {
  switch (change.type) {
    case "draw":
      return { type: "draw", ...change.drawing, ref: change.ref };
    case "redraw":
      return { type: "redraw", drawingId: change.drawingId, ...change.move, ref: change.ref };
    case "undraw":
      return { type: "undraw", drawingId: change.drawingId, ref: change.ref };
  }
}

/** Shows a change at once, drawn in this person's name and colour. */
export function proposeDrawing(
  state: DrawingsState,
  change: DrawingChange,
  you: User | null,
): DrawingsState {
  return withView(
    { ...state, pending: [...state.pending, { change, acked: false }] },
    you ?? undefined,
  );
}

/** A new `state`: its drawings replace the server's, and what was acknowledged is settled. */
export function receiveDrawings(
  state: DrawingsState,
  drawings: readonly Drawing[],
  you: User | null,
): DrawingsState {
  return withView(
    { server: drawings, pending: state.pending.filter((p) => !p.acked), view: [] },
    you,
  );
}

/**
 * An `ack` with this `ref`: settled when the server's drawings already show it (the `state`
 * came first), or else marked to be settled by the next `state`.
 */
export function ackDrawing(
  state: DrawingsState,
  ref: string,
  drawingId: string | undefined,
  you: User | null,
): DrawingsState {
  const at = state.pending.findIndex((p) => p.change.ref === ref);
  const found = state.pending[at];
  if (!found) return state;
  const shown = reflected(state.server, found.change, drawingId);
  const pending = shown
    ? state.pending.filter((_, i) => i !== at)
    : state.pending.map((p, i) => (i === at ? { ...p, acked: true } : p));
  return withView({ ...state, pending }, you);
}

/** A refusal with this `ref` rolls its change back; false when the ref is none of these. */
export function refuseDrawing(
  state: DrawingsState,
  ref: string,
  you: User | null,
): DrawingsState | null {
  const pending = state.pending.filter((p) => p.change.ref !== ref);
  return pending.length === state.pending.length ? null : withView({ ...state, pending }, you);
}

/**
 * The connection dropped. A change without an answer is taken back rather than sent again (a
 * second `draw` would draw it twice); the next `state` shows whatever the room made of it.
 */
export function dropPendingDrawings(state: DrawingsState, you: User | null): DrawingsState {
  return state.pending.length === 0 ? state : withView({ ...state, pending: [] }, you);
}

/** The drawings on one symbol's chart, in the order they were drawn. */
export function drawingsOn(view: readonly Drawing[], symbol: string): Drawing[] {
  return view.filter((d) => d.symbol === symbol);
}

function reflected(server: readonly Drawing[], change: DrawingChange, id?: string): boolean {
  switch (change.type) {
    case "draw":
      return id !== undefined && server.some((d) => d.id === id);
    case "undraw":
      return !server.some((d) => d.id === change.drawingId);
    case "redraw": {
      const d = server.find((x) => x.id === change.drawingId);
      return d === undefined || sameGeometry(moved(d, change.move), d);
    }
  }
}

function sameGeometry(a: Drawing, b: Drawing): boolean {
  if (a.kind === "level") return b.kind === "level" && a.price === b.price;
  if (b.kind === "level") return false;
  return (
    a.from.time === b.from.time &&
    a.from.price === b.from.price &&
    a.to.time === b.to.time &&
    a.to.price === b.to.price
  );
}

/** A drawing at its new place; geometry of the other kind leaves it as it is (the room refuses). */
export function moved(drawing: Drawing, move: DrawingMove): Drawing {
  if (drawing.kind === "level")
    return "price" in move ? { ...drawing, price: move.price } : drawing;
  return "from" in move ? { ...drawing, from: move.from, to: move.to } : drawing;
}

function withView(state: DrawingsState, you: User | undefined | null): DrawingsState {
  let view: Drawing[] = [...state.server];
  for (const { change } of state.pending) {
    if (change.type === "draw") {
      const by = you?.name ?? "You";
      const color = you?.color ?? "#888888";
      view.push({ ...change.drawing, id: pendingId(change.ref), by, color });
    } else if (change.type === "undraw") {
      view = view.filter((d) => d.id !== change.drawingId);
    } else {
      view = view.map((d) => (d.id === change.drawingId ? moved(d, change.move) : d));
    }
  }
  return { ...state, view };
}
