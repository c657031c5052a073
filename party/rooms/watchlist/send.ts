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
  type StateMessage,
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

/** What every connection's `state` shares beyond the list: serialised once per change. */
export type SharedState = Required<Pick<StateMessage, "alerts" | "drawings">>;

export const NO_SHARED_STATE: SharedState = { alerts: [], drawings: [] };

export function sharedText(shared: SharedState): string {
  return JSON.stringify({ alerts: shared.alerts, drawings: shared.drawings } satisfies SharedState);
}

/**
 * One connection's `state` frame: the same list for all, its own role and identity. Fields are
 * picked one by one so that a stored list's key hash can never ride along. The alerts and
 * drawings, the same for everyone and the bulk of the frame, come serialised (`sharedText`).
 */
export function stateText(
  list: WatchlistView,
  role: Role,
  you: User,
  shared = sharedText(NO_SHARED_STATE),
): string {
  const head = JSON.stringify({
    type: "state",
    v: PROTOCOL_VERSION,
    id: list.id,
    name: list.name,
    symbols: list.symbols,
    version: list.version,
    role,
    you,
  } satisfies Omit<StateMessage, keyof SharedState>);
  return `${head.slice(0, -1)},${shared.slice(1)}`;
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
