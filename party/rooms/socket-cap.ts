/**
 * How many sockets one client may hold in one room (a ticker room, a relay of one, a list),
 * counted by the client tag of each socket, and the answer to one more.
 */
import { httpError } from "../http.ts";
import { ErrorCode, LIMITS } from "../protocol/index.ts";
import { clientKey, clientTag } from "./edge-headers.ts";
import { type RoomHost, setting } from "./host.ts";

/** When a client over its socket cap may try again: sockets are freed as they close. */
const SOCKETS_RETRY_AFTER_S = 10;

/** Why a client's socket is refused, in a room of the kind named ("room", "list"). */
export const tooManySocketsText = (place: string): string =>
  `at most ${LIMITS.socketsPerClient} sockets per client in one ${place}`;

/** Sockets this request's client holds in this room; none count when budgets are off. */
export function socketsHeld<S>(host: RoomHost<S>, req: Request): number {
  if (setting(host.env, "BUDGETS") === "off") return 0;
  let held = 0;
  for (const _ of host.connections(clientTag(clientKey(req)))) held++;
  return held;
}

/** 429 `rate_limited` with `Retry-After`, for an upgrade past the client's share here. */
export function tooManySockets(place: string): Response {
  const refused = httpError(
    429,
    ErrorCode.rateLimited,
    `${tooManySocketsText(place)}; close one first`,
  );
  refused.headers.set("retry-after", String(SOCKETS_RETRY_AFTER_S));
  return refused;
}
