/**
 * The link between a ticker room and one of its relay rooms: a WebSocket the relay opens to the
 * room, never through the edge. It is an ordinary full-mode subscription (snapshot, `ticks`,
 * `status`, and `resync` when the relay sees a gap) with one frame more, the relay's load, that
 * the room uses to place new sockets (`plan.ts`). Only a request carrying the internal header,
 * which the edge strips from everything that comes from outside, can open one.
 */
import * as v from "valibot";
import { parseFrame, TickerClientMessageSchema } from "../../protocol/index.ts";
import { INTERNAL_HEADER, isInternal } from "../alert-link.ts";

/** The query a relay's socket to its room carries: its shard. */
export const RELAY_QUERY = "relay";
/** The connection tag of relay sockets in a ticker room. */
export const RELAY_TAG = "relay";
/**
 * A ticker room's answer to an upgrade it hands to a relay, with the shard in `RELAY_HEADER`;
 * the edge forwards the upgrade to that relay. Never seen by clients.
 */
export const RELAY_STATUS = 421;
export const RELAY_HEADER = "x-tickerroom-relay";

/**
 * What a relay reports to its room: the sockets it holds, the upgrades handed to it since its
 * last report (taken or refused), and what it sent them.
 */
export const RelayLoadSchema = v.object({
  type: v.literal("relay-load"),
  sockets: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  upgrades: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  frames: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  sends: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
});
export type RelayLoadFrame = v.InferOutput<typeof RelayLoadSchema>;

const RelayFrameSchema = v.union([RelayLoadSchema, TickerClientMessageSchema]);

export function parseRelayFrame(data: string | ArrayBuffer | ArrayBufferView) {
  return parseFrame(RelayFrameSchema, data);
}

/** The shard of a relay's upgrade to its room; null for any other request. */
export function relayShardOf(req: Request): number | null {
  if (!isInternal(req)) return null;
  const shard = new URL(req.url).searchParams.get(RELAY_QUERY);
  return shard !== null && /^\d{1,6}$/.test(shard) ? Number(shard) : null;
}

/** The upgrade a relay sends its room. */
export function relayUpgrade(symbol: string, shard: number): Request {
  return new Request(`https://relay.internal/parties/ticker/${symbol}?${RELAY_QUERY}=${shard}`, {
    headers: { upgrade: "websocket", [INTERNAL_HEADER]: "1" },
  });
}

/** The room's answer that hands an upgrade to relay `shard`. */
export function toRelay(shard: number): Response {
  return new Response(null, { status: RELAY_STATUS, headers: { [RELAY_HEADER]: String(shard) } });
}

/** The shard a room's answer hands the upgrade to; null when it did not. */
export function relayOf(res: Response): number | null {
  if (res.status !== RELAY_STATUS) return null;
  const shard = res.headers.get(RELAY_HEADER);
  return shard !== null && /^\d{1,6}$/.test(shard) ? Number(shard) : null;
}
