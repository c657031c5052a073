/** A ticker room's storage: loading it after a wake-up, and carrying out `planSave`. */
import { chunkHour, History } from "../../market/history.ts";
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

  constructor(private readonly storage: RoomStorage) {}

  /** The stored room, trimmed to its window; null when this room was never created. */
  async load(): Promise<{ meta: Meta; history: History } | null> {
    const meta = await this.storage.get<Meta>("meta");
    if (!meta) return null;
    const [tail, chunks] = await Promise.all([
      this.storage.get<Tick[]>("tail"),
      this.storage.list<Candle[]>({ prefix: "c:" }),
    ]);
    this.hours = new Set([...chunks.keys()].map(chunkHour));
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
    const writes = [this.storage.put(plan.put)];
    if (plan.remove.length > 0) writes.push(this.storage.delete(plan.remove).then(() => undefined));
    const entries = Object.entries(extra ?? {});
    for (let i = 0; i < entries.length; i += PUT_BATCH) {
      writes.push(this.storage.put(Object.fromEntries(entries.slice(i, i + PUT_BATCH))));
    }
    this.writes += writes.length;
    try {
      await Promise.all(writes);
    } catch (err) {
      // Part of it may have landed: count every hour that might be stored, so a later switch
      // deletes it.
      this.hours = new Set([...before, ...plan.stored]);
      throw err;
    }
  }
}
