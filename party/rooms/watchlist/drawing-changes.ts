/**
 * The changes to a list's drawings, editors' only: `draw` adds one, `redraw` moves one (any
 * editor may move anyone's), `undraw` deletes one. Each is stored before anyone sees it; adding
 * and deleting are events of the activity, in the same write, and moving is not.
 */
import { type DrawingMove, ErrorCode } from "../../protocol/index.ts";
import { activityKey } from "./activity.ts";
import { announce, broadcastState } from "./broadcast.ts";
import { ackUnchanged, type Change, commit, editorOf, refField, refuse } from "./changes.ts";
import { drawingKey, moveDrawing, type NewDrawing, newDrawing, refuseDrawing } from "./drawings.ts";
import { freshId } from "./ids.ts";
import type { ClientFrame, Room, WatchlistConn } from "./room.ts";
import { send } from "./send.ts";

export function draw(room: Room, conn: WatchlistConn, msg: ClientFrame<"draw">): Promise<void> {
  const { cache } = room;
  return room.exclusive(async () => {
    const ok = editorOf(cache, conn, msg.ref);
    if (!ok) return;
    const refused = refuseDrawing(ok.list.symbols, cache.drawings.values(), msg.symbol);
    if (refused) return refuse(conn, refused, msg.ref);
    const now = room.clock.now();
    const shape: NewDrawing =
      msg.kind === "level"
        ? { symbol: msg.symbol, kind: "level", price: msg.price }
        : { symbol: msg.symbol, kind: "trend", from: msg.from, to: msg.to };
    const drawing = newDrawing(freshId(cache.drawings), shape, ok.state.user, now);
    const event = cache.activity.next(drawing.by, now, {
      kind: "drawing-added",
      drawingId: drawing.id,
      symbol: drawing.symbol,
      drawing: drawing.kind,
    });
    const change: Change = {
      put: { [drawingKey(drawing.id)]: drawing, [activityKey(event.seq)]: event },
    };
    if (!(await commit(room.host.storage, conn, change, msg.ref))) return;
    cache.drawings.set(drawing.id, drawing);
    cache.touch();
    broadcastState(room, ok.list);
    send(conn, {
      type: "ack",
      ...refField(msg.ref),
      version: ok.list.version,
      drawingId: drawing.id,
    });
    announce(room, event);
  });
}

/** Moves a drawing (any editor may move anyone's); not an event of the activity. */
export function redraw(
  room: Room,
  conn: WatchlistConn,
  drawingId: string,
  to: DrawingMove,
  ref: string | undefined,
): Promise<void> {
  const { cache } = room;
  return room.exclusive(async () => {
    const ok = editorOf(cache, conn, ref);
    if (!ok) return;
    const drawing = cache.drawings.get(drawingId);
    if (!drawing) {
      const message = `there is no drawing ${drawingId} in this list`;
      return refuse(conn, { code: ErrorCode.notFound, message }, ref);
    }
    const moved = moveDrawing(drawing, to);
    if (!moved.ok) return refuse(conn, moved, ref);
    if (!moved.changed) return ackUnchanged(conn, ok.list, ref);
    const change: Change = { put: { [drawingKey(drawingId)]: moved.drawing } };
    if (!(await commit(room.host.storage, conn, change, ref))) return;
    cache.drawings.set(drawingId, moved.drawing);
    cache.touch();
    broadcastState(room, ok.list);
    if (ref !== undefined) send(conn, { type: "ack", ref, version: ok.list.version });
  });
}

/** Deletes a drawing; one that is not there is no change. */
export function undraw(
  room: Room,
  conn: WatchlistConn,
  drawingId: string,
  ref: string | undefined,
): Promise<void> {
  const { cache } = room;
  return room.exclusive(async () => {
    const ok = editorOf(cache, conn, ref);
    if (!ok) return;
    const drawing = cache.drawings.get(drawingId);
    if (!drawing) return ackUnchanged(conn, ok.list, ref);
    const event = cache.activity.next(ok.state.user.name, room.clock.now(), {
      kind: "drawing-removed",
      drawingId,
      symbol: drawing.symbol,
    });
    const change: Change = {
      put: { [activityKey(event.seq)]: event },
      delete: [drawingKey(drawingId)],
    };
    if (!(await commit(room.host.storage, conn, change, ref))) return;
    cache.drawings.delete(drawingId);
    cache.touch();
    broadcastState(room, ok.list);
    if (ref !== undefined) send(conn, { type: "ack", ref, version: ok.list.version });
    announce(room, event);
  });
}
