/**
 * One socket per ticker room in view. Frames go straight into the room's store; the socket's
 * state goes into the connection summary; a room the server refuses (HTTP 400 on the upgrade,
 * which a browser WebSocket cannot read) is detected with one plain request and not retried.
 */
import { usePartySocket } from "partysocket/react";
import { useEffect, useId, useRef, useState } from "react";
import { removeSocket, setSocketState, updateSocketState } from "./connection-store.ts";
import { getTickerStore, type TickerMode, type TickerStore } from "./ticker-store.ts";

/**
 * Randomised once per page, so that a server restart does not bring every client back in the
 * same instant (partysocket's default is a fixed 3 s).
 */
const MIN_RECONNECT_DELAY = 1000 + Math.random() * 2000;
const MAX_RECONNECT_DELAY = 15_000;

export function useTickerRoom(symbol: string, mode: TickerMode): TickerStore {
  const store = getTickerStore(symbol, mode);
  const id = useId();
  const [refused, setRefused] = useState(false);
  // A room that has opened once is not refused later: only the first attempts need a check.
  const everOpened = useRef(false);

  useEffect(() => {
    if (refused) return;
    setSocketState(id, "connecting");
    return () => removeSocket(id);
  }, [id, refused]);

  const socket = usePartySocket({
    party: "ticker",
    room: symbol,
    query: mode === "quote" ? { mode: "quote" } : undefined,
    // Same origin: the scheme follows the page, whatever its host is called.
    protocol: location.protocol === "https:" ? "wss" : "ws",
    minReconnectionDelay: MIN_RECONNECT_DELAY,
    maxReconnectionDelay: MAX_RECONNECT_DELAY,
    enabled: !refused,
    onOpen() {
      everOpened.current = true;
      updateSocketState(id, "live");
    },
    onMessage(event) {
      if (typeof event.data === "string") store.receive(event.data);
    },
    onClose() {
      // An explicit close (unmount, refusal) is not a lost connection.
      if (!socket.shouldReconnect) return;
      updateSocketState(id, "reconnecting");
      if (!everOpened.current) {
        void checkRefusal(symbol).then((message) => {
          if (message === null) return;
          store.refuse(message);
          setRefused(true);
        });
      }
    },
  });

  useEffect(() => {
    if (refused) return;
    // Back online: try now rather than at the end of the current back-off.
    const wake = () => {
      if (socket.readyState !== WebSocket.OPEN) socket.reconnect();
    };
    window.addEventListener("online", wake);
    return () => window.removeEventListener("online", wake);
  }, [socket, refused]);

  return store;
}

/**
 * Asks the room over HTTP why the socket failed. A 4xx answer is final (a bad symbol); anything
 * else, including no answer at all, means try again later.
 */
async function checkRefusal(symbol: string): Promise<string | null> {
  let res: Response;
  try {
    res = await fetch(`/parties/ticker/${encodeURIComponent(symbol)}`, {
      headers: { accept: "application/json" },
    });
  } catch {
    return null;
  }
  if (res.status < 400 || res.status >= 500 || res.status === 408 || res.status === 429) {
    await res.body?.cancel();
    return null;
  }
  const body = (await res.json().catch(() => null)) as { error?: { message?: unknown } } | null;
  const message = body?.error?.message;
  return typeof message === "string"
    ? message
    : `the server refused ${symbol} (HTTP ${res.status})`;
}
