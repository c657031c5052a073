/**
 * One store per watchlist room, kept outside React: the socket writes into it, components read
 * from it with selectors. Watchlist frames are few (an edit, a join, a focus change), so they
 * apply at once rather than waiting for an animation frame: an edit should reach every screen
 * as soon as it can.
 */
import { createStore, type StoreApi } from "zustand/vanilla";
import type { WatchlistServerMessage } from "../../party/protocol/index.ts";
import { markOutdated } from "./app-version.ts";
import type { DrawingChange } from "./collab-drawings.ts";
import {
  applyServerFrame,
  connectionLost,
  initialWatchlistState,
  markDeleted,
  markMissing,
  parseWatchlistFrame,
  propose,
  proposeDrawingChange,
  type SentEdit,
  startAuth,
  type WatchlistState,
  withdraw,
} from "./watchlist-state.ts";

export type WatchlistStore = StoreApi<WatchlistState> & {
  /** Applies one socket frame and returns it, or null when it was not one to apply. */
  receive(text: string): WatchlistServerMessage | null;
  propose(edit: SentEdit): void;
  withdraw(ref: string): void;
  startAuth(): void;
  markMissing(): void;
  markDeleted(): void;
  proposeDrawing(change: DrawingChange): void;
  connectionLost(): void;
};

function createWatchlistStore(): WatchlistStore {
  const store = createStore<WatchlistState>()(initialWatchlistState);
  const update = (next: WatchlistState) => {
    if (next !== store.getState()) store.setState(next, true);
  };
  return {
    ...store,
    receive(text) {
      const frame = parseWatchlistFrame(text);
      if (frame === null) return null;
      if (frame.type === "unknown-version") {
        markOutdated();
        return null;
      }
      update(applyServerFrame(store.getState(), frame));
      return frame;
    },
    propose: (edit) => update(propose(store.getState(), edit)),
    withdraw: (ref) => update(withdraw(store.getState(), ref)),
    startAuth: () => update(startAuth(store.getState())),
    markMissing: () => update(markMissing(store.getState())),
    markDeleted: () => update(markDeleted(store.getState())),
    proposeDrawing: (change) => update(proposeDrawingChange(store.getState(), change)),
    connectionLost: () => update(connectionLost(store.getState())),
  };
}

/** Coming back to a list shows what was last known at once while the new state is on its way. */
const stores = new Map<string, WatchlistStore>();

export function getWatchlistStore(id: string): WatchlistStore {
  let store = stores.get(id);
  if (!store) {
    store = createWatchlistStore();
    stores.set(id, store);
  }
  return store;
}
