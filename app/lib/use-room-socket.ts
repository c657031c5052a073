/**
 * One socket to one room, as every room hook needs it: its state goes into the connection
 * summary, reconnects are spread out, and a room the server refuses (HTTP 4xx on the upgrade,
 * which a browser WebSocket cannot read) is detected with one plain request and not retried;
 * nor is a room that closes with a code saying it is gone for good.
 */
import type PartySocket from "partysocket";
import { usePartySocket } from "partysocket/react";
import { useEffect, useId, useRef, useState } from "react";
import { removeSocket, setSocketState, updateSocketState } from "./connection-store.ts";
import { AdoptingWebSocket } from "./early-socket.ts";
import {
  CONNECT_TIMEOUT_MS,
  GROW_FACTOR,
  MAX_DELAY_MS,
  MIN_UPTIME_MS,
  minDelay,
} from "./reconnect-policy.ts";

/** Drawn once per page (`reconnect-policy.ts`). */
const MIN_RECONNECT_DELAY = minDelay(Math.random());

export type Refusal = { status: number; message: string };

type Options = {
  party: "ticker" | "watchlist";
  room: string;
  query?: Record<string, string | undefined>;
  /** False holds the socket closed (nothing to connect as yet). */
  enabled?: boolean;
  /** A close code from the room that means it is gone for good: no reconnect follows. */
  finalClose?: number;
  onMessage(text: string): void;
  onOpen?(): void;
  onClose?(code: number): void;
  /** The room was refused for good; the socket stays closed from here on. */
  onRefused(refusal: Refusal): void;
};

export function useRoomSocket(options: Options): PartySocket {
  const { party, room, query, enabled = true, finalClose } = options;
  const id = useId();
  const [refused, setRefused] = useState(false);
  const live = enabled && !refused;
  // A socket that opened and then dropped is a lost connection, not a refusal; one that never
  // opened may be (a room that never existed, or a list deleted while this page was away).
  const opened = useRef(false);
  const handlers = useRef(options);
  handlers.current = options;

  useEffect(() => {
    if (!live) return;
    setSocketState(id, "connecting");
    return () => removeSocket(id);
  }, [id, live]);

  const socket = usePartySocket({
    party,
    room,
    query,
    // Same origin: the scheme follows the page, whatever its host is called.
    protocol: location.protocol === "https:" ? "wss" : "ws",
    // The first connection may be one the entry opened before React rendered.
    WebSocket: AdoptingWebSocket,
    minReconnectionDelay: MIN_RECONNECT_DELAY,
    maxReconnectionDelay: MAX_DELAY_MS,
    reconnectionDelayGrowFactor: GROW_FACTOR,
    minUptime: MIN_UPTIME_MS,
    connectionTimeout: CONNECT_TIMEOUT_MS,
    shouldReconnectOnClose: (event) => event.code !== finalClose,
    enabled: live,
    onOpen() {
      opened.current = true;
      updateSocketState(id, "live");
      handlers.current.onOpen?.();
    },
    onMessage(event) {
      if (typeof event.data === "string") handlers.current.onMessage(event.data);
    },
    onClose(event) {
      handlers.current.onClose?.(event.code);
      if (event.code === finalClose) {
        setRefused(true);
        return;
      }
      const wasOpen = opened.current;
      opened.current = false;
      // An explicit close (unmount, refusal, new query) is not a lost connection.
      if (!socket.shouldReconnect) return;
      updateSocketState(id, "reconnecting");
      if (!wasOpen) {
        void checkRefusal(party, room).then((refusal) => {
          if (refusal === null) return;
          handlers.current.onRefused(refusal);
          setRefused(true);
        });
      }
    },
  });

  useEffect(() => {
    if (!live) return;
    // Back online: try now rather than at the end of the current back-off.
    const wake = () => {
      if (socket.readyState !== WebSocket.OPEN) socket.reconnect();
    };
    window.addEventListener("online", wake);
    return () => window.removeEventListener("online", wake);
  }, [socket, live]);

  return socket;
}

/**
 * Asks the room over HTTP why the socket failed. A 4xx answer is final (a bad symbol, a list
 * that does not exist); anything else, including no answer at all, means try again later.
 */
export async function checkRefusal(party: string, room: string): Promise<Refusal | null> {
  let res: Response;
  try {
    res = await fetch(`/parties/${party}/${encodeURIComponent(room)}`, {
      headers: { accept: "application/json" },
    });
  } catch {
    return null;
  }
  const { status } = res;
  if (status < 400 || status >= 500 || status === 408 || status === 429) {
    await res.body?.cancel();
    return null;
  }
  const body = (await res.json().catch(() => null)) as { error?: { message?: unknown } } | null;
  const message = body?.error?.message;
  return {
    status,
    message: typeof message === "string" ? message : `the server refused ${room} (HTTP ${status})`,
  };
}
