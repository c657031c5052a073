/**
 * A change a frame asks of the list: whether its sender may make it, storing it before it is
 * applied, and answering the sender when it is refused or changes nothing.
 */
import { ErrorCode } from "../../protocol/index.ts";
import type { RoomStorage } from "../host.ts";
import type { StoredList } from "./list.ts";
import type { ListCache } from "./list-cache.ts";
import type { WatchlistConn, WatchlistConnState } from "./room.ts";
import { send } from "./send.ts";

/** Writes issued together, with no await between them: the runtime commits them as one. */
export type Change = { put: Record<string, unknown>; delete?: string[] };

const NOT_STORED = "the change could not be stored, so it was not made; try again";
const VIEW_ONLY = "this is a view link: ask for the edit link to make changes";

/** Issues a change's writes together, so that they are stored together or not at all. */
export async function write(storage: RoomStorage, change: Change): Promise<void> {
  const writes: Promise<unknown>[] = [];
  if (change.delete && change.delete.length > 0) writes.push(storage.delete(change.delete));
  if (Object.keys(change.put).length > 0) writes.push(storage.put(change.put));
  await Promise.all(writes);
}

/**
 * Writes a change; the caller makes it the room's only once this says it is written. When the
 * write fails, the sender hears so and the room (memory, storage, everyone's view) is as it was.
 */
export async function commit(
  storage: RoomStorage,
  conn: WatchlistConn,
  change: Change,
  ref?: string,
): Promise<boolean> {
  try {
    await write(storage, change);
    return true;
  } catch (err) {
    console.error("watchlist write failed", err);
    send(conn, {
      type: "error",
      code: ErrorCode.internal,
      message: NOT_STORED,
      ...refField(ref),
    });
    return false;
  }
}

/**
 * Checks an editor's change to the alerts or drawings: null (and the sender told why) when it
 * may not be made. Read when the change runs, not when the frame arrived.
 */
export function editorOf(
  cache: ListCache,
  conn: WatchlistConn,
  ref: string | undefined,
): { list: StoredList; state: WatchlistConnState } | null {
  const state = conn.state;
  const list = cache.list;
  if (!state || !list) return null;
  if (state.role !== "editor") {
    send(conn, {
      type: "error",
      code: ErrorCode.forbidden,
      message: VIEW_ONLY,
      ...refField(ref),
    });
    return null;
  }
  return { list, state };
}

export function refuse(
  conn: WatchlistConn,
  refusal: { code: ErrorCode; message: string },
  ref: string | undefined,
): void {
  send(conn, { type: "error", ...refusal, ...refField(ref) });
}

export function ackUnchanged(conn: WatchlistConn, list: StoredList, ref: string | undefined): void {
  if (ref !== undefined) send(conn, { type: "ack", ref, version: list.version });
}

export function refField(ref: string | undefined): { ref?: string } {
  return ref === undefined ? {} : { ref };
}
