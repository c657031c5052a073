/** How many sockets one client may hold in one list, counted by the client tag of each socket. */
import { httpError } from "../../http.ts";
import { ErrorCode, LIMITS } from "../../protocol/index.ts";
import { clientKey, clientTag } from "../edge-headers.ts";
import { type RoomHost, setting } from "../host.ts";

/** When a client over its socket cap may try again: sockets are freed as they close. */
const SOCKETS_RETRY_AFTER_S = 10;

export const TOO_MANY_SOCKETS = `at most ${LIMITS.socketsPerClient} sockets per client in one list`;

/** Sockets this request's client holds in this list; none count when budgets are off. */
export function socketsHeld<S>(host: RoomHost<S>, req: Request): number {
  if (setting(host.env, "BUDGETS") === "off") return 0;
  let held = 0;
  for (const _ of host.connections(clientTag(clientKey(req)))) held++;
  return held;
}

export function tooManySockets(): Response {
  const refused = httpError(429, ErrorCode.rateLimited, `${TOO_MANY_SOCKETS}; close one first`);
  refused.headers.set("retry-after", String(SOCKETS_RETRY_AFTER_S));
  return refused;
}
