/**
 * One store per ticker room and mode, kept outside React: sockets write into it, components
 * read from it with selectors, and the chart subscribes to it directly. Frames are queued as
 * they arrive and applied together once per animation frame, so a burst of ticks costs one
 * notification, one render and one chart update.
 */
import { createStore, type StoreApi } from "zustand/vanilla";
import {
  parseTickerFrame,
  type TickerMode,
  type TickerServerMessage,
} from "../../party/protocol/index.ts";
import { markOutdated } from "./app-version.ts";
import { onNextFrame } from "./frame-batch.ts";
import {
  applyFrame,
  initialTickerState,
  markResyncing,
  refuse,
  type TickerState,
} from "./ticker-state.ts";

export type TickerStore = StoreApi<TickerState> & {
  /** Queues one socket frame; it reaches the state on the next animation frame. */
  receive(text: string): void;
  /** The server refused the room; shown at once, since nothing else will come. */
  refuse(message: string): void;
  /** A `resync` was sent for the gap the state holds. */
  markResyncing(): void;
};

function createTickerStore(symbol: string): TickerStore {
  const store = createStore<TickerState>()(() => initialTickerState(symbol));
  let queue: TickerServerMessage[] = [];
  const flush = () => {
    const frames = queue;
    queue = [];
    const before = store.getState();
    let state = before;
    for (const frame of frames) state = applyFrame(state, frame);
    if (state !== before) store.setState(state, true);
  };
  return {
    ...store,
    receive(text) {
      const frame = parseTickerFrame(text);
      if (frame === null) return;
      if (frame.type === "unknown-version") {
        markOutdated();
        return;
      }
      queue.push(frame);
      onNextFrame(flush);
    },
    refuse(message) {
      queue = [];
      store.setState(refuse(store.getState(), message), true);
    },
    markResyncing() {
      const state = store.getState();
      const next = markResyncing(state);
      if (next !== state) store.setState(next, true);
    },
  };
}

/**
 * Stores outlive the components that show them, so that coming back to a symbol shows what was
 * last known at once while the new snapshot is on its way.
 */
const stores = new Map<string, TickerStore>();

export function getTickerStore(symbol: string, mode: TickerMode): TickerStore {
  const key = `${mode}:${symbol}`;
  let store = stores.get(key);
  if (!store) {
    store = createTickerStore(symbol);
    stores.set(key, store);
  }
  return store;
}
