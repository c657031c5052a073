/**
 * Everything a watchlist room sends goes through here: typed against the protocol, and never
 * throwing, because a socket may close between a handler's start and its send.
 */
import * as v from "valibot";
import {
  LIMITS,
  PROTOCOL_VERSION,
  RefCarrierSchema,
  type Role,
  type User,
  type WatchlistServerMessage,
  type WatchlistView,
} from "../../protocol/index.ts";
import type { Conn } from "../host.ts";

export function send(conn: Conn<unknown>, message: WatchlistServerMessage): void {
  sendText(conn, JSON.stringify(message));
}

/** Sends a frame serialised once for many sockets. */
export function sendText(conn: Conn<unknown>, text: string): void {
  try {
    conn.send(text);
  } catch {
    // The socket closed under us; its close handler does the rest.
  }
}

/**
 * One connection's `state` frame: the same list for all, its own role and identity. Fields are
 * picked one by one so that a stored list's key hash can never ride along.
 */
export function stateText(list: WatchlistView, role: Role, you: User): string {
  return JSON.stringify({
    type: "state",
    v: PROTOCOL_VERSION,
    id: list.id,
    name: list.name,
    symbols: list.symbols,
    version: list.version,
    role,
    you,
  } satisfies WatchlistServerMessage);
}

/** The `ref` of a refused frame, when one can be read, so the error can echo it. */
export function refOf(frame: string | ArrayBuffer | ArrayBufferView): { ref?: string } {
  if (typeof frame !== "string" || frame.length > LIMITS.frameBytes) return {};
  try {
    const carrier = v.safeParse(RefCarrierSchema, JSON.parse(frame));
    return carrier.success && carrier.output.ref !== undefined ? { ref: carrier.output.ref } : {};
  } catch {
    return {};
  }
}
