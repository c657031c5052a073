/** A ticker room's storage: loading it after a wake-up, and carrying out `planSave`. */
import { chunkHour, chunkKey, History } from "../../market/history.ts";
import type { Candle, Tick } from "../../protocol/index.ts";
import type { RoomStorage } from "../host.ts";
import { type Meta, planSave } from "./storage-plan.ts";

/** Entries one `put` takes. */
const PUT_BATCH = 128;

export class TickerStorage {
  /** Storage operations issued, for `?stats`. */
  writes = 0;
  /** Hours whose chunks are in storage (or may be, after a failed write). */
  private hours = new Set<number>();
  /** Whether a `tail` entry is (or may be) stored. */
  private tail = false;

  constructor(private readonly storage: RoomStorage) {}

  /** Whether candles or ticks are (or may be) stored. */
  get holdsHistory(): boolean {
    return this.hours.size > 0 || this.tail;
  }

  /** The stored room, trimmed to its window; null when this room was never created. */
  async load(): Promise<{ meta: Meta; history: History } | null> {
    const meta = await this.storage.get<Meta>("meta");
    if (!meta) return null;
    const [tail, chunks] = await Promise.all([
      this.storage.get<Tick[]>("tail"),
      this.storage.list<Candle[]>({ prefix: "c:" }),
    ]);
    this.hours = new Set([...chunks.keys()].map(chunkHour));
    this.tail = tail !== undefined;
    const history = new History(History.candlesFromChunks(chunks), tail ?? [], meta.seq);
    history.trim();
    return { meta, history };
  }

  /**
   * Writes what changed in `history` since the last save, with `meta` and any `extra` entries
   * (the alerts' state), as one batch: the writes are issued together, before any await, so the
   * runtime commits them together.
   */
  async save(
    meta: Meta,
    history: History,
    replaced: boolean,
    extra: Record<string, unknown> | null = null,
  ): Promise<void> {
    const firstHour = history.trim();
    const plan = planSave({
      stored: this.hours,
      firstHour,
      changed: history.takeDirtyChunks(),
      replaced,
      meta,
      tail: history.recentTicks(),
    });
    const before = this.hours;
    this.hours = plan.stored;
    this.tail = true;
    try {
      await this.write(plan.put, plan.remove, extra);
    } catch (err) {
      // Part of it may have landed: count every hour that might be stored, so a later switch
      // deletes it.
      this.hours = new Set([...before, ...plan.stored]);
      throw err;
    }
  }

  /**
   * The save of a room on a derived source (the simulator), whose history follows from its
   * `meta` alone: `meta` is written when the room starts (null: unchanged), with whatever
   * history an earlier source stored removed; else only `extra`. Nothing owed, nothing written.
   */
  async saveDerived(
    meta: Meta | null,
    history: History,
    extra: Record<string, unknown> | null = null,
  ): Promise<void> {
    // Its candles follow from the anchor: none is stored.
    history.takeDirtyChunks();
    const remove: string[] = [];
    if (meta) {
      for (const hour of this.hours) remove.push(chunkKey(hour));
      if (this.tail) remove.push("tail");
    }
    const put: Record<string, unknown> = meta ? { meta } : {};
    if (Object.keys(put).length === 0 && remove.length === 0 && !extra) return;
    await this.write(put, remove, extra);
    if (meta) {
      this.hours = new Set();
      this.tail = false;
    }
  }

  /** `put`, `remove` and `extra` as writes issued together, before any await: one batch. */
  private async write(
    put: Record<string, unknown>,
    remove: string[],
    extra: Record<string, unknown> | null,
  ): Promise<void> {
    const writes: Promise<unknown>[] = [];
    if (Object.keys(put).length > 0) writes.push(this.storage.put(put));
    if (remove.length > 0) writes.push(this.storage.delete(remove));
    const entries = Object.entries(extra ?? {});
    for (let i = 0; i < entries.length; i += PUT_BATCH) {
      writes.push(this.storage.put(Object.fromEntries(entries.slice(i, i + PUT_BATCH))));
    }
    this.writes += writes.length;
    await Promise.all(writes);
  }
}
