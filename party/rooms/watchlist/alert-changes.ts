/**
 * The changes to a list's alerts: an editor sets or removes one, its ticker room reports that it
 * fired (`?fired`). Each is stored, with its activity event and, when it changes what the ticker
 * room evaluates, the outbox's mark for the symbol, before anyone sees it.
 */
import { httpError, json, readBody } from "../../http.ts";
import { type AlertWhen, ErrorCode, type WatchlistServerMessage } from "../../protocol/index.ts";
import {
  AlertFiredSchema,
  type FiredAnswer,
  isInternal,
  LINK_BODY_BYTES,
  parseLinkBody,
} from "../alert-link.ts";
import { activityKey, type EventBody } from "./activity.ts";
import { LINK_KEY, marked } from "./alert-outbox.ts";
import { announce, broadcastState, broadcastText } from "./broadcast.ts";
import { ackUnchanged, type Change, commit, editorOf, refField, refuse, write } from "./changes.ts";
import { freshId } from "./ids.ts";
import { alertKey, firedAlert, refuseAlert, type StoredAlert } from "./list-alerts.ts";
import type { ClientFrame, Room, WatchlistConn } from "./room.ts";
import { send } from "./send.ts";

export function setAlert(
  room: Room,
  conn: WatchlistConn,
  msg: ClientFrame<"alert">,
): Promise<void> {
  const { cache, outbox } = room;
  return room.exclusive(async () => {
    const ok = editorOf(cache, conn, msg.ref);
    if (!ok) return;
    const refused = refuseAlert(ok.list.symbols, cache.alerts.values(), msg);
    if (refused) return refuse(conn, refused, msg.ref);
    const now = room.clock.now();
    const alert: StoredAlert = {
      id: freshId(cache.alerts),
      symbol: msg.symbol,
      when: msg.when,
      value: msg.value,
      by: ok.state.user.name,
      armed: true,
      armedAt: now,
    };
    const event = cache.activity.next(alert.by, now, alertSet(alert));
    const link = marked(outbox.current, [alert.symbol]);
    const change: Change = {
      put: { [alertKey(alert.id)]: alert, [activityKey(event.seq)]: event, [LINK_KEY]: link },
    };
    if (!(await commit(room.host.storage, conn, change, msg.ref))) return;
    cache.alerts.set(alert.id, alert);
    outbox.adopt(link);
    cache.touch();
    broadcastState(room, ok.list);
    send(conn, {
      type: "ack",
      ...refField(msg.ref),
      version: ok.list.version,
      alertId: alert.id,
    });
    announce(room, event);
  });
}

/** Removes an alert, armed or fired; one that is not there is no change. */
export function unalert(
  room: Room,
  conn: WatchlistConn,
  alertId: string,
  ref: string | undefined,
): Promise<void> {
  const { cache, outbox } = room;
  return room.exclusive(async () => {
    const ok = editorOf(cache, conn, ref);
    if (!ok) return;
    const alert = cache.alerts.get(alertId);
    if (!alert) return ackUnchanged(conn, ok.list, ref);
    const event = cache.activity.next(ok.state.user.name, room.clock.now(), {
      kind: "alert-removed",
      alertId,
      symbol: alert.symbol,
    });
    const change: Change = {
      put: { [activityKey(event.seq)]: event },
      delete: [alertKey(alertId)],
    };
    // A fired alert is no longer armed anywhere: the ticker room has nothing to forget.
    const link = alert.armed ? marked(outbox.current, [alert.symbol]) : null;
    if (link) change.put[LINK_KEY] = link;
    if (!(await commit(room.host.storage, conn, change, ref))) return;
    cache.alerts.delete(alertId);
    if (link) outbox.adopt(link);
    cache.touch();
    broadcastState(room, ok.list);
    if (ref !== undefined) send(conn, { type: "ack", ref, version: ok.list.version });
    announce(room, event);
  });
}

/**
 * A firing, from the ticker room of its symbol: stored, then announced to everyone, once. A
 * repeat (the ticker room retrying an answer it did not get) changes nothing and is answered
 * the same 200, so that the ticker room stops sending it.
 */
export async function recordFiring(room: Room, req: Request): Promise<Response> {
  const { cache } = room;
  if (!isInternal(req)) {
    return httpError(403, ErrorCode.forbidden, "firings are reported by ticker rooms only");
  }
  const body = parseLinkBody(AlertFiredSchema, await readBody(req, LINK_BODY_BYTES));
  if (!body.ok) return httpError(body.status, body.code, body.message);
  const fired = body.value;
  return room.exclusive(async () => {
    if (!cache.list) return httpError(404, ErrorCode.notFound, cache.missing());
    const list = cache.list;
    const alert = cache.alerts.get(fired.alertId);
    if (!alert) return json({ status: "unknown" } satisfies FiredAnswer);
    if (alert.symbol !== fired.symbol) {
      return httpError(
        400,
        ErrorCode.badRequest,
        `alert ${alert.id} is on ${alert.symbol}, not ${fired.symbol}`,
      );
    }
    if (!alert.armed) return json({ status: "duplicate" } satisfies FiredAnswer);
    const done = firedAlert(alert, fired);
    const event = cache.activity.next(alert.by, room.clock.now(), {
      kind: "alert-fired",
      alertId: alert.id,
      symbol: alert.symbol,
      price: fired.price,
      time: fired.time,
    });
    // A failed write throws: the ticker room hears 500 and sends it again.
    await write(room.host.storage, {
      put: { [alertKey(alert.id)]: done, [activityKey(event.seq)]: event },
    });
    cache.alerts.set(alert.id, done);
    cache.touch();
    broadcastText(
      room,
      JSON.stringify({
        type: "fired",
        alertId: alert.id,
        symbol: alert.symbol,
        price: fired.price,
        time: fired.time,
      } satisfies WatchlistServerMessage),
    );
    broadcastState(room, list);
    announce(room, event);
    return json({ status: "fired" } satisfies FiredAnswer);
  });
}

function alertSet(alert: {
  id: string;
  symbol: string;
  when: AlertWhen;
  value: number;
}): EventBody {
  return {
    kind: "alert-set",
    alertId: alert.id,
    symbol: alert.symbol,
    when: alert.when,
    value: alert.value,
  };
}
