/**
 * The socket to one watchlist room. Edits are shown at once and sent with a `ref`; focus says
 * what this person looks at. Both wait until the room knows who this connection is: its first
 * `state`, or, with an edit key, the answer to the `auth` frame that every connection sends
 * first (the key never goes in a URL). After a reconnect they are sent again (edits are
 * idempotent intents, so an edit the server already applied changes nothing the second time).
 * Everything leaves through one pacer, well under the room's rate limit.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useStore } from "zustand";
import {
  type AlertWhen,
  CLOSE_DELETED,
  type CrosshairAt,
  type DrawingMove,
  type WatchlistEdit,
} from "../../party/protocol/index.ts";
import { CrosshairSender } from "./collab-crosshairs.ts";
import { type DrawingChange, drawingFrame, type NewDrawing, pendingId } from "./collab-drawings.ts";
import { FramePacer, type OutgoingFrame, systemClock } from "./frame-pacer.ts";
import { dropKey, forgetList, rememberList } from "./saved-lists.ts";
import { checkRefusal, useRoomSocket } from "./use-room-socket.ts";
import { unsettled } from "./watchlist-state.ts";
import { getWatchlistStore, type WatchlistStore } from "./watchlist-store.ts";

type Options = {
  id: string;
  /** The edit key this browser holds for the list, if any. */
  initialKey: string | null;
  /** The display name; undefined joins as Guest. */
  name: string | undefined;
  /** False until this person has said what to call them. */
  enabled: boolean;
};

export type WatchlistRoom = {
  store: WatchlistStore;
  /** The edit key this browser holds now: a rotation replaces it, a demotion drops it. */
  key: string | null;
  edit(edit: WatchlistEdit): void;
  focus(symbol: string | null): void;
  /** Replaces the edit key; resolves once this browser holds the new one. */
  rotate(): Promise<void>;
  /** Adds, moves or deletes a drawing: shown at once, settled by the room. */
  draw(drawing: NewDrawing): void;
  redraw(drawingId: string, move: DrawingMove): void;
  undraw(drawingId: string): void;
  /** Where this person's pointer is on a chart, or null once it left: paced and coalesced. */
  crosshair(at: CrosshairAt | null): void;
  /** Sets a shared alert; false when not connected, and nothing was sent. */
  alert(symbol: string, when: AlertWhen, value: number): boolean;
  unalert(alertId: string): boolean;
};

let refs = 0;
const nextRef = () => `${(++refs).toString(36)}-${Date.now().toString(36)}`;

type Rotation = { ref: string; resolve(): void; reject(error: Error): void };

export function useWatchlistRoom({ id, initialKey, name, enabled }: Options): WatchlistRoom {
  const store = getWatchlistStore(id);
  const [key, setKey] = useState(initialKey);
  const keyRef = useRef(key);
  /** The current socket knows who this connection is: frames sent now are handled. */
  const synced = useRef(false);
  /** What this person looks at; undefined until the page says. */
  const focused = useRef<string | null | undefined>(undefined);
  const rotation = useRef<Rotation | null>(null);
  const query = useMemo(() => ({ name }), [name]);
  // A list that is gone stays gone: nothing to reconnect to, whatever code its socket closed with.
  const gone = useStore(store, (s) => s.phase === "deleted" || s.phase === "missing");

  /** A new key from a rotation, or none once the held one stopped working. */
  const adoptKey = useCallback(
    (next: string | null) => {
      const held = keyRef.current;
      keyRef.current = next;
      setKey(next);
      if (next !== null) rememberList(id, { key: next });
      else if (held !== null) dropKey(id, held);
    },
    [id],
  );

  const socketRef = useRef<{ send(text: string): void; readyState: number } | null>(null);
  const [pacer] = useState(
    () =>
      new FramePacer((message) => {
        const socket = socketRef.current;
        if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
      }),
  );

  const [pointer] = useState(
    () =>
      new CrosshairSender(
        (at) =>
          sendRef.current(
            at === null ? { type: "crosshair", symbol: null } : { type: "crosshair", ...at },
          ),
        systemClock,
      ),
  );

  const sync = () => {
    synced.current = true;
    for (const edit of unsettled(store.getState())) {
      const replaced = pacer.push(edit);
      if (replaced !== null) store.withdraw(replaced);
    }
    if (focused.current !== undefined) pacer.push({ type: "focus", symbol: focused.current });
  };

  const closed = () => {
    synced.current = false;
    pacer.clear();
    pointer.reset();
    store.connectionLost();
    rotation.current?.reject(new Error("the connection dropped; try again once it is back"));
    rotation.current = null;
  };

  const socket = useRoomSocket({
    party: "watchlist",
    room: id,
    query,
    enabled: enabled && !gone,
    finalClose: CLOSE_DELETED,
    onOpen: () => {
      closed();
      const held = keyRef.current;
      if (held === null) return;
      store.startAuth();
      pacer.push({ type: "auth", key: held });
    },
    onClose: (code) => {
      closed();
      if (code === CLOSE_DELETED) {
        // Closed before any state: there was no list to open (a runtime that takes the
        // upgrade first says so with this code too).
        if (store.getState().phase === "loading") store.markMissing();
        else store.markDeleted();
        forgetList(id);
      }
    },
    onMessage(text) {
      const frame = store.receive(text);
      if (frame === null) return;
      if ((frame.type === "ack" || frame.type === "error") && frame.ref !== undefined) {
        pacer.settled(frame.ref);
      }
      answerRotation(frame);
      const state = store.getState();
      if (frame.type === "deleted") {
        forgetList(id);
        return;
      }
      if (frame.type === "state") rememberList(id, { name: frame.name, lastSeen: Date.now() });
      // The key was changed by another editor, or is wrong: it is of no use to keep.
      if (state.demoted !== null && keyRef.current !== null) adoptKey(null);
      if (!synced.current && state.phase === "ready" && !state.authing) sync();
    },
    onRefused: () => {
      store.markMissing();
      forgetList(id);
    },
  });
  socketRef.current = socket;

  const answerRotation = (frame: NonNullable<ReturnType<WatchlistStore["receive"]>>) => {
    const pending = rotation.current;
    if (pending === null) return;
    if (frame.type === "ack" && "editKey" in frame && (frame.ref ?? pending.ref) === pending.ref) {
      rotation.current = null;
      adoptKey(frame.editKey);
      pending.resolve();
    } else if (frame.type === "error" && frame.ref === pending.ref) {
      rotation.current = null;
      pending.reject(new Error(frame.message));
    }
  };

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

  useEffect(
    () => () => {
      pacer.clear();
      pointer.reset();
    },
    [pacer, pointer],
  );

  const send = (message: OutgoingFrame) => {
    if (!synced.current) return;
    const replaced = pacer.push(message);
    if (replaced !== null) store.withdraw(replaced);
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

  const rotate = useCallback(
    () =>
      new Promise<void>((resolve, reject) => {
        if (!synced.current || store.getState().role !== "editor") {
          reject(new Error("this page is not connected as an editor right now"));
          return;
        }
        rotation.current?.reject(new Error("asked again"));
        const ref = nextRef();
        rotation.current = { ref, resolve, reject };
        sendRef.current({ type: "rotate", ref });
      }),
    [store],
  );

  const changeDrawing = useCallback(
    (change: DrawingChange) => {
      // A drawing the room has not acknowledged has no id there yet; nor is one sent unsynced.
      if (!synced.current || ("drawingId" in change && change.drawingId.startsWith(pendingId(""))))
        return;
      store.proposeDrawing(change);
      sendRef.current(drawingFrame(change));
    },
    [store],
  );
  const draw = useCallback(
    (drawing: NewDrawing) => changeDrawing({ type: "draw", ref: nextRef(), drawing }),
    [changeDrawing],
  );
  const redraw = useCallback(
    (drawingId: string, move: DrawingMove) =>
      changeDrawing({ type: "redraw", ref: nextRef(), drawingId, move }),
    [changeDrawing],
  );
  const undraw = useCallback(
    (drawingId: string) => changeDrawing({ type: "undraw", ref: nextRef(), drawingId }),
    [changeDrawing],
  );
  const crosshair = useCallback(
    (at: CrosshairAt | null) => (at === null ? pointer.leave() : pointer.move(at)),
    [pointer],
  );

  // Not intents: an alert is sent once, while connected, and shows when the room's state has it.
  const alert = useCallback((symbol: string, when: AlertWhen, value: number) => {
    if (!synced.current) return false;
    sendRef.current({ type: "alert", symbol, when, value, ref: nextRef() });
    return true;
  }, []);
  const unalert = useCallback((alertId: string) => {
    if (!synced.current) return false;
    sendRef.current({ type: "unalert", alertId, ref: nextRef() });
    return true;
  }, []);

  return useMemo(
    () => ({ store, key, edit, focus, rotate, draw, redraw, undraw, crosshair, alert, unalert }),
    [store, key, edit, focus, rotate, draw, redraw, undraw, crosshair, alert, unalert],
  );
}
