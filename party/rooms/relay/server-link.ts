/**
 * A relay's link to its ticker room on the Worker: a WebSocket from one Durable Object to the
 * other, opened through the room's stub (never through the edge, so the internal header
 * reaches it). The relay's own sockets hibernate; this one keeps the relay in memory while it
 * has sockets to serve, as the ticker room's own timers keep it.
 */
import type { LinkHandlers, OpenLink, ParentLink } from "./core.ts";
import { relayUpgrade } from "./link.ts";

export function serverLink(rooms: DurableObjectNamespace): OpenLink {
  return async (symbol: string, shard: number, on: LinkHandlers): Promise<ParentLink> => {
    const room = rooms.get(rooms.idFromName(symbol));
    const res = await room.fetch(relayUpgrade(symbol, shard));
    const ws = res.webSocket;
    if (!ws) throw new Error(`the ${symbol} room answered the relay with ${res.status}`);
    ws.accept();
    let closed = false;
    const ended = () => {
      if (closed) return;
      closed = true;
      on.closed();
    };
    ws.addEventListener("message", (event) => {
      if (typeof event.data === "string") on.frame(event.data);
    });
    ws.addEventListener("close", ended);
    ws.addEventListener("error", ended);
    return {
      send: (text) => ws.send(text),
      close: () => {
        closed = true;
        try {
          ws.close(1000, "relay empty");
        } catch {
          // Already closing.
        }
      },
    };
  };
}
