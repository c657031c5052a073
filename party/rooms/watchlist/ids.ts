/** The ids a list gives out: its people's, and its alerts' and drawings'. */
import { randomToken } from "./secrets.ts";

/** Bytes in a user id: unique among the few people on one list, and not the client's choice. */
const USER_ID_BYTES = 6;
/** Bytes in an alert or drawing id: unique within one list, checked against the others. */
const ITEM_ID_BYTES = 6;

export function newUserId(): string {
  return randomToken(USER_ID_BYTES);
}

/** A random id not yet used among `taken`. */
export function freshId(taken: ReadonlyMap<string, unknown>): string {
  for (;;) {
    const id = randomToken(ITEM_ID_BYTES);
    if (!taken.has(id)) return id;
  }
}
