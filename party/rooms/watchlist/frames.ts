/**
 * A joined connection's frames: counted against its budget, parsed against the protocol at the
 * room's edge, then handed to what each one asks for. Presence frames (ping, focus, crosshair)
 * are answered here; everything else changes the list or who may change it.
 */
import {
  CLOSE_POLICY,
  ErrorCode,
  parseFrame,
  WatchlistClientMessageSchema,
} from "../../protocol/index.ts";
import { countFrame, RATE_LIMITED_MESSAGE } from "../../rate-limit.ts";
import { auth, rotate } from "./access.ts";
import { setAlert, unalert } from "./alert-changes.ts";
import { refField } from "./changes.ts";
import { draw, redraw, undraw } from "./drawing-changes.ts";
import { editList } from "./list-edits.ts";
import type { Frame, Room, WatchlistConn, WatchlistConnState } from "./room.ts";
import { refOf, send } from "./send.ts";

export async function handleFrame(room: Room, conn: WatchlistConn, data: Frame): Promise<void> {
  const previous = conn.state;
  if (!previous || !room.cache.list) return;
  const { next, verdict } = countFrame(previous, room.clock.now());
  const state: WatchlistConnState = { ...previous, ...next };
  conn.setState(state);
  if (verdict === "close") {
    conn.close(CLOSE_POLICY, "too many frames");
    return;
  }
  if (verdict === "limited") {
    send(conn, {
      type: "error",
      code: ErrorCode.rateLimited,
      message: RATE_LIMITED_MESSAGE,
      ...refOf(data),
    });
    return;
  }
  const parsed = parseFrame(WatchlistClientMessageSchema, data);
  if (!parsed.ok) {
    send(conn, { type: "error", code: parsed.code, message: parsed.message, ...refOf(data) });
    return;
  }
  const msg = parsed.value;
  switch (msg.type) {
    case "ping":
      send(conn, { type: "pong", ...refField(msg.ref), serverTime: room.clock.now() });
      return;
    case "focus":
      conn.setState({ ...state, focus: msg.symbol });
      room.presence.poke();
      return;
    case "crosshair":
      // Presence, not an edit: viewers' crosshairs are shown too.
      if (room.crosshairs.move(state.user.id, msg.at)) room.crosshairPace.poke();
      return;
    case "auth":
      await auth(room, conn, msg.key, msg.ref);
      return;
    case "rotate":
      await rotate(room, conn, msg.ref);
      return;
    case "alert":
      await setAlert(room, conn, msg);
      break;
    case "unalert":
      await unalert(room, conn, msg.alertId, msg.ref);
      break;
    case "draw":
      await draw(room, conn, msg);
      return;
    case "redraw":
      await redraw(room, conn, msg.drawingId, msg.to, msg.ref);
      return;
    case "undraw":
      await undraw(room, conn, msg.drawingId, msg.ref);
      return;
    default:
      await editList(room, conn, msg);
      if (msg.type !== "remove") return;
  }
  // Alerts and removed symbols change what the ticker rooms evaluate: tell them now.
  await room.outbox.flush();
}
