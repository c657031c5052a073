/** What a watchlist room sends to everyone on the list, each frame serialised once. */
import type { ActivityEvent, WatchlistServerMessage } from "../../protocol/index.ts";
import { type StoredList, viewOf } from "./list.ts";
import { type Presence, presenceFrame } from "./presence.ts";
import type { Room } from "./room.ts";
import { sendText, stateText } from "./send.ts";

/** Each joined connection's `state`: the same list for all, its own role and identity. */
export function broadcastState(room: Room, list: StoredList): void {
  const view = viewOf(list);
  const shared = room.cache.sharedNow();
  for (const conn of room.host.connections()) {
    const state = conn.state;
    if (state) sendText(conn, stateText(view, state.role, state.user, shared));
  }
}

/** One frame, serialised once, to everyone who has joined. */
export function broadcastText(room: Room, text: string): void {
  for (const conn of room.host.connections()) if (conn.state) sendText(conn, text);
}

/** Keeps a stored event and tells everyone of it. */
export function announce(room: Room, event: ActivityEvent): void {
  room.cache.activity.add(event);
  broadcastText(room, JSON.stringify({ type: "event", event } satisfies WatchlistServerMessage));
}

/** The presence of every open socket; those still joining have none yet. */
export function present(room: Room): (Presence | null)[] {
  return [...room.host.connections()].map((c) => c.state);
}

/** Who is here, to everyone joined; paced by `presence`, so at most five frames a second. */
export function sendPresence(room: Room): void {
  const conns = [...room.host.connections()];
  const text = JSON.stringify(presenceFrame(conns.map((c) => c.state)));
  for (const conn of conns) if (conn.state) sendText(conn, text);
}

/** The crosshairs that moved since the last frame; paced by `crosshairPace`. */
export function sendCrosshairs(room: Room): void {
  const crosshairs = room.crosshairs.take();
  if (crosshairs.length === 0) return;
  broadcastText(
    room,
    JSON.stringify({ type: "crosshairs", crosshairs } satisfies WatchlistServerMessage),
  );
}
