/**
 * The contract between a list room and a ticker room for shared alerts. The list room owns its
 * alerts (stores them, shows them, enforces the limits); the ticker room of each alert's symbol
 * evaluates them on the ticks it already has, so that one evaluation serves every list and no
 * list needs a socket to a ticker. Two internal requests carry it:
 *
 * - list to ticker, `POST /parties/ticker/:symbol?alerts` with an `AlertSet`: the list's armed
 *   alerts on that symbol, replacing the set the ticker room held for that list (an empty set:
 *   none). The list sends it whenever that set changes, and again until it is acknowledged.
 * - ticker to list, `POST /parties/watchlist/:id?fired` with an `AlertFired`. The ticker room
 *   stores a firing (and disarms the alert) before it sends it, and sends it again until the
 *   list answers; the list room stores it before it announces it and answers a repeat without
 *   announcing it again. So each arming fires exactly once, across crashes on either side.
 *
 * Both carry `INTERNAL_HEADER`, which the edge strips from every request from outside
 * (`fromEdge`), so its presence proves that another room sent the request. Platform-free: the
 * rooms send these through `RoomHost.room`.
 */
import * as v from "valibot";
import { ALERTS_PER_LIST_SYMBOL } from "../market/alerts.ts";
import {
  ALERT_WHENS,
  type AlertWhen,
  describeIssues,
  ErrorCode,
  ITEM_ID_PATTERN,
  SYMBOL_PATTERN,
  WATCHLIST_ID_PATTERN,
} from "../protocol/index.ts";

/** Set by a room on requests to another room; stripped by the edge from everything else. */
export const INTERNAL_HEADER = "x-tickerroom-internal";

/** Whether a request came from another room (the edge never lets this header through). */
export function isInternal(req: Request): boolean {
  return req.headers.get(INTERNAL_HEADER) === "1";
}

/** The query that marks a ticker room's request for a list's armed set. */
export const ALERTS_QUERY = "alerts";
/** The query that marks a list room's request for a firing. */
export const FIRED_QUERY = "fired";

/** Largest body of either request; a full set of one list on one symbol is about 3 KiB. */
export const LINK_BODY_BYTES = 16 * 1024;

/** One armed alert as the ticker room evaluates it. */
export type LinkedAlert = {
  id: string;
  when: AlertWhen;
  value: number;
  /** When the list armed it (the list room's clock): ticks after it count. */
  armedAt: number;
  /**
   * The price before the next tick, when the sender knows one. The list room knows no prices and
   * sends none: the ticker room then takes the symbol's last price at or before `armedAt` (its
   * current price when its history does not reach back), as the protocol's "the price when the
   * alert was armed counts as the one before".
   */
  before?: number;
};

/**
 * A list's armed alerts on one symbol. `seq` grows with every change the list makes to its sets:
 * a ticker room ignores a set whose `seq` is lower than the last it applied from that list for
 * that symbol, so a late retry never undoes a newer set. Ids it already holds keep their state
 * (a set is re-sent whole after any change); an id no longer in the set is disarmed.
 */
export type AlertSet = { list: string; seq: number; armed: LinkedAlert[] };

/** A firing, from the ticker room: the alert and the tick that fired it. */
export type AlertFired = { alertId: string; symbol: string; price: number; time: number };

/**
 * The list room's 200 answer to a firing: `fired` (stored and announced now), `duplicate` (it had
 * fired already: nothing changed), `unknown` (the list has no such alert any more: removed, or
 * its symbol left the list). The ticker room drops the firing from its outbox on any of them.
 */
export type FiredAnswer = { status: "fired" | "duplicate" | "unknown" };

const ItemId = v.pipe(v.string(), v.regex(ITEM_ID_PATTERN, "not an alert id"));
const Price = v.pipe(v.number(), v.finite(), v.gtValue(0));
const Time = v.pipe(v.number(), v.safeInteger(), v.minValue(0));

export const AlertSetSchema = /* @__PURE__ */ v.object({
  list: v.pipe(v.string(), v.regex(WATCHLIST_ID_PATTERN, "not a watchlist id")),
  seq: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  armed: v.pipe(
    v.array(
      v.object({
        id: ItemId,
        when: v.picklist(ALERT_WHENS),
        value: v.pipe(v.number(), v.finite()),
        armedAt: Time,
        before: v.optional(Price),
      }),
    ),
    v.maxLength(ALERTS_PER_LIST_SYMBOL, `a list arms at most ${ALERTS_PER_LIST_SYMBOL} per symbol`),
  ),
});

export const AlertFiredSchema = /* @__PURE__ */ v.object({
  alertId: ItemId,
  symbol: v.pipe(v.string(), v.regex(SYMBOL_PATTERN, "not a symbol")),
  price: Price,
  time: Time,
});

/** Where the requests go; a room stub ignores the host, and only path and query matter. */
const BASE = "https://rooms.internal";

function internalPost(path: string, body: unknown): Request {
  return new Request(`${BASE}${path}`, {
    method: "POST",
    headers: { [INTERNAL_HEADER]: "1", "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** The list room's request to the ticker room of `symbol`. */
export function alertSetRequest(symbol: string, set: AlertSet): Request {
  return internalPost(`/parties/ticker/${symbol}?${ALERTS_QUERY}`, set);
}

/** The ticker room's request to list `listId`. */
export function firedRequest(listId: string, fired: AlertFired): Request {
  return internalPost(`/parties/watchlist/${listId}?${FIRED_QUERY}`, fired);
}

export type LinkBody<T> =
  | { ok: true; value: T }
  | { ok: false; status: 400 | 413; code: ErrorCode; message: string };

/** A request body as `readBody` gave it (null: over `LINK_BODY_BYTES`), checked against `schema`. */
export function parseLinkBody<T>(
  schema: v.GenericSchema<unknown, T>,
  text: string | null,
): LinkBody<T> {
  if (text === null) {
    return {
      ok: false,
      status: 413,
      code: ErrorCode.tooLarge,
      message: `over ${LINK_BODY_BYTES} bytes`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, status: 400, code: ErrorCode.badRequest, message: "not valid JSON" };
  }
  const parsed = v.safeParse(schema, json);
  return parsed.success
    ? { ok: true, value: parsed.output }
    : {
        ok: false,
        status: 400,
        code: ErrorCode.badRequest,
        message: describeIssues(parsed.issues),
      };
}

/**
 * What a sender makes of the answer: `delivered` (2xx), `refused` (400, 413, 422: this body will
 * never be taken, so sending it again is pointless), or `retry` (anything else, a timeout or a
 * failed fetch: a room not yet able to take it, restarting, or overloaded). A ticker room without
 * the ticker side of this contract answers 401, 403 or 405: `retry`, so that the sets arrive once
 * it has.
 */
export type Delivery = "delivered" | "refused" | "retry";

export function deliveryOf(status: number): Delivery {
  if (status >= 200 && status < 300) return "delivered";
  if (status === 400 || status === 413 || status === 422) return "refused";
  return "retry";
}

/** Retries: after 2 s, then twice as long each time, at most 10 minutes apart. */
export const LINK_RETRY = {
  firstMs: 2000,
  maxMs: 10 * 60 * 1000,
  /** A request not answered within this is a failure (and is retried). */
  timeoutMs: 5000,
} as const;

/** The wait before the next attempt after `failures` failed ones in a row (1 or more). */
export function retryDelayMs(failures: number): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 20);
  return Math.min(LINK_RETRY.firstMs * 2 ** exponent, LINK_RETRY.maxMs);
}
