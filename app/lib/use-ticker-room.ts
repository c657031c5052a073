/**
 * One socket per ticker room in view. Frames go straight into the room's store; a room the
 * server refuses (a bad symbol) shows the server's reason instead of retrying. A gap in the
 * ticks asks the room once for a fresh snapshot, which replaces what is held in place.
 */
import { useEffect } from "react";
import type { TickerClientMessage, TickerMode } from "../../party/protocol/index.ts";
import { needsResync } from "./ticker-state.ts";
import { getTickerStore, type TickerStore } from "./ticker-store.ts";
import { useRoomSocket } from "./use-room-socket.ts";

const QUOTE_MODE = { mode: "quote" };
const RESYNC = JSON.stringify({ type: "resync" } satisfies TickerClientMessage);

export function useTickerRoom(symbol: string, mode: TickerMode): TickerStore {
  const store = getTickerStore(symbol, mode);
  const socket = useRoomSocket({
    party: "ticker",
    room: symbol,
    query: mode === "quote" ? QUOTE_MODE : undefined,
    onMessage: (text) => store.receive(text),
    onRefused: ({ message }) => store.refuse(message),
  });

  useEffect(() => {
    const check = () => {
      if (!needsResync(store.getState())) return;
      // Marked either way: a socket that is not open reconnects, and every connection
      // starts with a snapshot.
      store.markResyncing();
      if (socket.readyState === WebSocket.OPEN) socket.send(RESYNC);
    };
    check();
    return store.subscribe(check);
  }, [store, socket]);

  return store;
}
