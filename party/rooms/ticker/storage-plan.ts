/**
 * What a ticker room writes, decided without touching storage. The layout: `meta`, `tail` (the
 * recent ticks) and one `c:<hour>` chunk of candles per hour, far below the 128 KiB value limit,
 * so that a save rewrites only the hours that changed. Everything goes in one `put` and one
 * `delete`, issued together, so the runtime commits them as one batch.
 */
import { chunkHour, chunkKey } from "../../market/history.ts";
import type { Candle, Source, Tick } from "../../protocol/index.ts";

/** The room as stored under `meta`. */
export type Meta = {
  symbol: string;
  source: Source;
  seq: number;
  /** Simulated rooms: every tick up to this time is in the history. */
  cursor: number;
  /** Time of the last pushed tick; pushes may not go back before it. */
  lastPushed: number | null;
};

export type SaveState = {
  /** Hours whose chunks are in storage. */
  stored: ReadonlySet<number>;
  /** The oldest hour the history keeps: older chunks go. */
  firstHour: number;
  /** Chunks of the hours whose candles changed, by key. */
  changed: Readonly<Record<string, Candle[]>>;
  /** The history was replaced (a source switch): every stored chunk not rewritten goes. */
  replaced: boolean;
  meta: Meta;
  tail: Tick[];
};

export type SavePlan = {
  put: Record<string, unknown>;
  remove: string[];
  /** Hours whose chunks are in storage once the plan is carried out. */
  stored: Set<number>;
};

export function planSave(state: SaveState): SavePlan {
  const put: Record<string, unknown> = {};
  const stored = new Set<number>();
  for (const [key, candles] of Object.entries(state.changed)) {
    const hour = chunkHour(key);
    if (hour < state.firstHour) continue;
    put[key] = candles;
    stored.add(hour);
  }
  put.meta = state.meta;
  put.tail = state.tail;
  const remove: string[] = [];
  for (const hour of state.stored) {
    if (stored.has(hour)) continue;
    if (state.replaced || hour < state.firstHour) remove.push(chunkKey(hour));
    else stored.add(hour);
  }
  return { put, remove, stored };
}
