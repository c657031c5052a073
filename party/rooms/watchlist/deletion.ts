/**
 * DELETE with the edit key: the list gives way to a tombstone, so its id is never created
 * again; everyone on it hears `deleted` and is closed with 4404. Its content goes too, and the
 * ticker rooms are told that its alerts are gone.
 */
import { httpError, safeEqual } from "../../http.ts";
import { CLOSE_DELETED, ErrorCode, type WatchlistServerMessage } from "../../protocol/index.ts";
import type { RoomStorage } from "../host.ts";
import { LINK_KEY, marked } from "./alert-outbox.ts";
import { write } from "./changes.ts";
import { LIST_KEY } from "./list.ts";
import { DELETED } from "./list-cache.ts";
import { bearerKey } from "./roles.ts";
import type { Room } from "./room.ts";
import { sha256Hex } from "./secrets.ts";
import { sendText } from "./send.ts";

/** Keys the runtime takes in one batch. */
const BATCH_KEYS = 128;

export async function deleteList(room: Room, req: Request): Promise<Response> {
  const { cache, outbox, host } = room;
  if (!cache.list) return httpError(404, ErrorCode.notFound, cache.missing());
  const key = bearerKey(req.headers.get("authorization"));
  const hash = key === null ? null : await sha256Hex(key);
  const res = await room.exclusive(async () => {
    const list = cache.list;
    if (!list) return httpError(404, ErrorCode.notFound, DELETED);
    if (hash === null || !safeEqual(hash, list.keyHash)) {
      const refused = httpError(
        401,
        ErrorCode.unauthorized,
        "deleting a list needs the header Authorization: Bearer <edit key>",
      );
      refused.headers.set("www-authenticate", "Bearer");
      return refused;
    }
    const armed = [...cache.alerts.values()].filter((a) => a.armed).map((a) => a.symbol);
    const link = armed.length > 0 ? marked(outbox.current, armed) : null;
    const tombstone = { id: list.id, deleted: room.clock.now() };
    await write(host.storage, {
      put: { [LIST_KEY]: tombstone, ...(link ? { [LINK_KEY]: link } : {}) },
    });
    const content = cache.contentKeys();
    cache.forget();
    room.crosshairs.clear();
    if (link) outbox.adopt(link);
    room.presence.cancel();
    room.crosshairPace.cancel();
    const text = JSON.stringify({ type: "deleted" } satisfies WatchlistServerMessage);
    for (const conn of host.connections()) {
      sendText(conn, text);
      try {
        conn.close(CLOSE_DELETED, DELETED);
      } catch {
        // Already closing.
      }
    }
    await dropContent(host.storage, content);
    return new Response(null, { status: 204 });
  });
  await outbox.flush();
  return res;
}

/**
 * Deletes a deleted list's content, after its tombstone is stored (so that nothing can bring
 * the list back). What a failure leaves is unreadable through the tombstone, only stored.
 */
async function dropContent(storage: RoomStorage, keys: string[]): Promise<void> {
  try {
    for (let i = 0; i < keys.length; i += BATCH_KEYS) {
      await storage.delete(keys.slice(i, i + BATCH_KEYS));
    }
  } catch (err) {
    console.error("watchlist: a deleted list's content could not all be deleted", err);
  }
}
