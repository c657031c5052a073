/**
 * The socket to one watchlist room. Edits are shown at once and sent with a `ref`; focus says
 * what this person looks at. Both wait for the connection's first `state`, which is when the
 * room knows who this connection is; after a reconnect they are sent again (edits are
 * idempotent intents, so an edit the server already applied changes nothing the second time).
 */
import { useCallback, useEffect, useMemo, useRef } from "react";
import type { WatchlistClientMessage, WatchlistEdit } from "../../party/protocol/index.ts";
import { rememberList } from "./saved-lists.ts";
import { checkRefusal, useRoomSocket } from "./use-room-socket.ts";
import { unsettled } from "./watchlist-state.ts";
import { getWatchlistStore, type WatchlistStore } from "./watchlist-store.ts";

type Options = {
  id: string;
  key: string | null;
  /** The display name; undefined joins as Guest. */
  name: string | undefined;
  /** False until this person has said what to call them. */
  enabled: boolean;
};

export type WatchlistRoom = {
  store: WatchlistStore;
  edit(edit: WatchlistEdit): void;
  focus(symbol: string | null): void;
};

let refs = 0;
const nextRef = () => `${(++refs).toString(36)}-${Date.now().toString(36)}`;

export function useWatchlistRoom({ id, key, name, enabled }: Options): WatchlistRoom {
  const store = getWatchlistStore(id);
  /** The current socket has had its first `state`: frames sent now are handled. */
  const synced = useRef(false);
  /** What this person looks at; undefined until the page says. */
  const focused = useRef<string | null | undefined>(undefined);
  const query = useMemo(() => ({ key: key ?? undefined, name }), [key, name]);

  const socket = useRoomSocket({
    party: "watchlist",
    room: id,
    query,
    enabled,
    onOpen: () => {
      synced.current = false;
    },
    onClose: () => {
      synced.current = false;
    },
    onMessage(text) {
      const frame = store.receive(text);
      if (frame?.type !== "state") return;
      // A key the room did not accept is of no use: the link it came from was wrong.
      rememberList(id, {
        name: frame.name,
        lastSeen: Date.now(),
        ...(frame.role === "viewer" && key ? { key: null } : {}),
      });
      if (synced.current) return;
      synced.current = true;
      for (const edit of unsettled(store.getState())) sendRef.current(edit);
      if (focused.current !== undefined) {
        sendRef.current({ type: "focus", symbol: focused.current });
      }
    },
    onRefused: () => store.markMissing(),
  });

  useEffect(() => {
    if (enabled) return;
    // Nobody is asked for a name to join a list that does not exist.
    let live = true;
    void checkRefusal("watchlist", id).then((refusal) => {
      if (live && refusal) store.markMissing();
    });
    return () => {
      live = false;
    };
  }, [enabled, id, store]);

  const send = (message: WatchlistClientMessage) => {
    if (synced.current) socket.send(JSON.stringify(message));
  };
  const sendRef = useRef(send);
  sendRef.current = send;

  const edit = useCallback(
    (intent: WatchlistEdit) => {
      const sent = { ...intent, ref: nextRef() };
      store.propose(sent);
      sendRef.current(sent);
    },
    [store],
  );

  const focus = useCallback((symbol: string | null) => {
    if (focused.current === symbol) return;
    focused.current = symbol;
    sendRef.current({ type: "focus", symbol });
  }, []);

  return useMemo(() => ({ store, edit, focus }), [store, edit, focus]);
}
