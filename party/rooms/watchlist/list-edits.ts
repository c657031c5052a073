/**
 * The list's own edits (add, remove, move, rename): applied by the protocol's reducer for the
 * sender's role, stored with the activity event that records them, and only then shown to
 * everyone. A removed symbol takes its alerts and drawings with it, in the same write.
 */
import { applyEdit, type WatchlistEdit, type WatchlistView } from "../../protocol/index.ts";

import { activityKey, type EventBody } from "./activity.ts";
import { LINK_KEY, type LinkRecord, marked } from "./alert-outbox.ts";
import { announce, broadcastState } from "./broadcast.ts";
import { type Change, commit, refField } from "./changes.ts";
import { drawingKey } from "./drawings.ts";
import { LIST_KEY, type StoredList, viewOf } from "./list.ts";
import { alertKey } from "./list-alerts.ts";
import type { Room, WatchlistConn } from "./room.ts";
import { send } from "./send.ts";

export function editList(room: Room, conn: WatchlistConn, edit: WatchlistEdit): Promise<void> {
  const { cache, outbox } = room;
  return room.exclusive(async () => {
    // Read now, not when the frame arrived: a rotation in between may have made it a viewer.
    const state = conn.state;
    const list = cache.list;
    if (!state || !list) return;
    const ref = refField(edit.ref);
    const result = applyEdit(viewOf(list), edit, state.role);
    if (!result.ok) {
      send(conn, { type: "error", code: result.code, message: result.message, ...ref });
      return;
    }
    if (!result.changed) {
      if (edit.ref !== undefined) send(conn, { type: "ack", ref: edit.ref, version: list.version });
      return;
    }
    const stored: StoredList = { ...list, ...result.list };
    const event = cache.activity.next(
      state.user.name,
      room.clock.now(),
      listEvent(viewOf(list), result.list, edit),
    );
    const change: Change = { put: { [LIST_KEY]: stored, [activityKey(event.seq)]: event } };
    // A symbol that leaves the list takes its alerts and drawings with it.
    const removed = edit.type === "remove" ? edit.symbol : null;
    const gone = removed === null ? null : cache.onSymbol(removed);
    let link: LinkRecord | null = null;
    if (removed !== null && gone) {
      change.delete = [
        ...gone.alerts.map((a) => alertKey(a.id)),
        ...gone.drawings.map((d) => drawingKey(d.id)),
      ];
      if (gone.alerts.some((a) => a.armed)) {
        link = marked(outbox.current, [removed]);
        change.put[LINK_KEY] = link;
      }
    }
    if (!(await commit(room.host.storage, conn, change, edit.ref))) return;
    cache.list = stored;
    if (gone && (gone.alerts.length > 0 || gone.drawings.length > 0)) {
      for (const a of gone.alerts) cache.alerts.delete(a.id);
      for (const d of gone.drawings) cache.drawings.delete(d.id);
      cache.touch();
    }
    if (link) outbox.adopt(link);
    broadcastState(room, stored);
    if (edit.ref !== undefined)
      send(conn, { type: "ack", ref: edit.ref, version: result.list.version });
    announce(room, event);
  });
}

/** What a list edit that changed the list records in its activity. */
export function listEvent(
  before: WatchlistView,
  after: WatchlistView,
  edit: WatchlistEdit,
): EventBody {
  switch (edit.type) {
    case "add":
      return { kind: "added", symbols: after.symbols.filter((s) => !before.symbols.includes(s)) };
    case "remove":
      return { kind: "removed", symbol: edit.symbol };
    case "move":
      return { kind: "moved", symbol: edit.symbol, index: after.symbols.indexOf(edit.symbol) };
    case "rename":
      return { kind: "renamed", name: after.name };
  }
}
