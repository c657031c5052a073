/**
 * What a room's exchange socket does with each event its adapter reads, and the words its
 * status then says. A room is `live` only once the exchange has confirmed the subscription
 * (Coinbase's `subscriptions`, Kraken's subscribe acknowledgement, Binance's subscription
 * result) or sent a trade of the product: a socket that merely opened, a heartbeat or Kraken's
 * system `status` frame confirm nothing.
 *
 * Every status starts with its state word, which a client may compare: `connecting`, `live`,
 * `reconnecting`, `maintenance` or `refused`; what follows is for people.
 */
import type { ExchangeName, FeedEvent } from "./providers/types.ts";

export type Reaction =
  /** Trades of the product: they also confirm the subscription. */
  | { kind: "trades"; event: Extract<FeedEvent, { kind: "trades" }> }
  /** The exchange confirmed the subscription: the feed is live. */
  | { kind: "confirmed" }
  /** Show `status` (stale: no trades come meanwhile), drop the socket and dial again later. */
  | { kind: "redial"; status: string }
  /** Retrying will not help: show it, drop the socket, and try again only much later. */
  | { kind: "refused"; message: string }
  /** Worth a line in the log, nothing more. */
  | { kind: "warn"; message: string }
  /** Nothing to do (a heartbeat: any frame already counts as a sign of life). */
  | { kind: "none" };

export function reaction(event: FeedEvent, exchange: ExchangeName): Reaction {
  switch (event.kind) {
    case "trades":
      return { kind: "trades", event };
    case "subscribed":
      return { kind: "confirmed" };
    case "status":
      // `online` arrives on connecting, before any subscription: it confirms nothing, and a
      // room that was in maintenance has already dropped that socket.
      if (event.status === "online") return { kind: "none" };
      if (event.status === "maintenance") {
        return { kind: "redial", status: `maintenance: ${event.message}` };
      }
      return { kind: "redial", status: reconnecting(exchange, event.message) };
    case "error":
      return event.fatal
        ? { kind: "refused", message: event.message }
        : { kind: "warn", message: `${exchange}: ${event.message}` };
    case "heartbeat":
    case "ignore":
      return { kind: "none" };
  }
}

/** `reconnecting to binance`, with the reason when there is one (its exchange prefix dropped). */
export function reconnecting(exchange: ExchangeName, reason?: string): string {
  const why = reason?.replace(new RegExp(`^${exchange}:\\s*`), "").trim();
  return why ? `reconnecting to ${exchange}: ${why}` : `reconnecting to ${exchange}`;
}
