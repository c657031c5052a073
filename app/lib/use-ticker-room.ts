/**
 * One socket per ticker room in view. Frames go straight into the room's store; a room the
 * server refuses (a bad symbol) shows the server's reason instead of retrying.
 */
import type { TickerMode } from "../../party/protocol/index.ts";
import { getTickerStore, type TickerStore } from "./ticker-store.ts";
import { useRoomSocket } from "./use-room-socket.ts";

const QUOTE_MODE = { mode: "quote" };

export function useTickerRoom(symbol: string, mode: TickerMode): TickerStore {
  const store = getTickerStore(symbol, mode);
  useRoomSocket({
    party: "ticker",
    room: symbol,
    query: mode === "quote" ? QUOTE_MODE : undefined,
    onMessage: (text) => store.receive(text),
    onRefused: ({ message }) => store.refuse(message),
  });
  return store;
}
