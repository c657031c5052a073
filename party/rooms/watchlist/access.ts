/**
 * Who may edit the list, connection by connection: the role a socket joins with, the `auth`
 * frame that makes it an editor, and `rotate`, which replaces the edit key and demotes everyone
 * else who held the old one. Roles live in connection state; the key lives only as its hash.
 */
import { safeEqual } from "../../http.ts";
import { CLOSE_DELETED, CLOSE_POLICY, ErrorCode, LIMITS, type Role } from "../../protocol/index.ts";
import { FRESH_WINDOW } from "../../rate-limit.ts";
import { socketsHeld, tooManySocketsText } from "../socket-cap.ts";
import { present } from "./broadcast.ts";
import { commit, refField } from "./changes.ts";
import { newUserId } from "./ids.ts";
import { LIST_KEY, type StoredList, viewOf } from "./list.ts";
import { DELETED, type ListCache } from "./list-cache.ts";
import { newUser } from "./presence.ts";
import { newEditKey } from "./roles.ts";
import type { Room, WatchlistConn } from "./room.ts";
import { sha256Hex } from "./secrets.ts";
import { send, sendText, stateText } from "./send.ts";

const WRONG_KEY =
  "that is not this list's edit key (it may have been rotated): ask for a new edit link";

/** Gives a new connection its role, identity, first state and the list's activity. */
export async function join(room: Room, conn: WatchlistConn, req: Request): Promise<void> {
  const { cache } = room;
  if (!cache.list) {
    conn.close(CLOSE_DELETED, cache.missing());
    return;
  }
  // The socket is already counted: over the cap only when two upgrades raced past `admit`,
  // or under `partykit dev`, whose upgrades reach no `admit`.
  if (socketsHeld(room.host, req) > LIMITS.socketsPerClient) {
    conn.close(CLOSE_POLICY, tooManySocketsText("list"));
    return;
  }
  const params = new URL(req.url).searchParams;
  // `?key=` is the first edition's way in; the `auth` frame keeps the key out of URLs.
  const key = params.get("key");
  const role: Role = key !== null && (await holdsKey(cache, key)) ? "editor" : "viewer";
  const list = cache.list;
  if (!list) {
    conn.close(CLOSE_DELETED, DELETED);
    return;
  }
  const user = newUser(newUserId(), params.get("name"), present(room));
  conn.setState({ ...FRESH_WINDOW, user, role, focus: null });
  sendText(conn, stateText(viewOf(list), role, user, cache.sharedNow()));
  send(conn, { type: "activity", events: [...cache.activity.events] });
  const shown = room.crosshairs.current();
  if (shown.length > 0) send(conn, { type: "crosshairs", crosshairs: shown });
  room.presence.poke();
}

/** The right key makes the connection an editor, with a fresh state to say so. */
export async function auth(
  room: Room,
  conn: WatchlistConn,
  key: string,
  ref: string | undefined,
): Promise<void> {
  const { cache } = room;
  if (!(await holdsKey(cache, key))) {
    send(conn, {
      type: "error",
      code: ErrorCode.forbidden,
      message: WRONG_KEY,
      ...refField(ref),
    });
    return;
  }
  const state = conn.state;
  const list = cache.list;
  if (!state || !list) return;
  conn.setState({ ...state, role: "editor" });
  sendText(conn, stateText(viewOf(list), "editor", state.user, cache.sharedNow()));
  if (ref !== undefined) send(conn, { type: "ack", ref, version: list.version });
  if (state.role !== "editor") room.presence.poke();
}

/**
 * A new edit key replaces the old one, stored first. The sender learns it from its ack;
 * every other editor joined with the old key, so each becomes a viewer.
 */
export function rotate(room: Room, conn: WatchlistConn, ref: string | undefined): Promise<void> {
  const { cache, host } = room;
  return room.exclusive(async () => {
    const state = conn.state;
    const list = cache.list;
    if (!state || !list) return;
    if (state.role !== "editor") {
      send(conn, {
        type: "error",
        code: ErrorCode.forbidden,
        message: "only editors can rotate the edit key",
        ...refField(ref),
      });
      return;
    }
    const { editKey, keyHash } = await newEditKey();
    const stored: StoredList = { ...list, keyHash };
    if (!(await commit(host.storage, conn, { put: { [LIST_KEY]: stored } }, ref))) return;
    cache.list = stored;
    const view = viewOf(stored);
    let demoted = false;
    for (const other of host.connections()) {
      const theirs = other.state;
      if (other === conn || theirs?.role !== "editor") continue;
      other.setState({ ...theirs, role: "viewer" });
      sendText(other, stateText(view, "viewer", theirs.user, cache.sharedNow()));
      demoted = true;
    }
    send(conn, { type: "ack", ...refField(ref), version: stored.version, editKey });
    if (demoted) room.presence.poke();
  });
}

/** Whether `key` is the list's edit key now: a rotation during the check voids it. */
async function holdsKey(cache: ListCache, key: string): Promise<boolean> {
  const before = cache.list?.keyHash;
  if (before === undefined) return false;
  const hash = await sha256Hex(key);
  return safeEqual(hash, before) && cache.list?.keyHash === before;
}
