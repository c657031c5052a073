/**
 * A ticker room's price history: one-minute candles for the last 24 hours, the most recent
 * ticks, the tick counter and the session quote, plus how it is laid out in storage (candles
 * in hourly chunks, far below the 128 KiB value limit, so that a flush rewrites only the hour
 * that changed).
 */
import { bucketStart, type Candle, LIMITS, type Quote, type Tick } from "../protocol/index.ts";
import { foldTicks, trimCandles } from "./candles.ts";
import { applyTicks, type Session, sessionFromCandles, toQuote } from "./quote.ts";

export const HOUR_MS = 3_600_000;
const CHUNK_PREFIX = "c:";

export const chunkKey = (hourStart: number) => `${CHUNK_PREFIX}${hourStart}`;
export const isChunkKey = (key: string) => key.startsWith(CHUNK_PREFIX);
export const chunkHour = (key: string) => Number(key.slice(CHUNK_PREFIX.length));

export class History {
  candles: Candle[];
  tail: Tick[];
  seq: number;
  session: Session | null;
  /** Hours whose candles changed since the last `takeDirtyChunks`. */
  private dirtyHours = new Set<number>();
  private touched = new Set<number>();

  constructor(candles: Candle[] = [], tail: Tick[] = [], seq = 0) {
    this.candles = candles;
    this.tail = tail;
    this.seq = seq;
    this.session = sessionFromCandles(candles, tail[tail.length - 1]);
  }

  get last(): Tick | undefined {
    return this.tail[this.tail.length - 1];
  }

  /** Folds new ticks (in time order) into candles, tail, counter and session. */
  append(ticks: readonly Tick[]): void {
    if (ticks.length === 0) return;
    this.touched.clear();
    foldTicks(this.candles, ticks, this.touched);
    for (const start of this.touched) this.dirtyHours.add(bucketStart(start, HOUR_MS));
    for (const tick of ticks) this.tail.push(tick);
    if (this.tail.length > LIMITS.snapshotTicks * 2) {
      this.tail.splice(0, this.tail.length - LIMITS.snapshotTicks);
    }
    this.seq += ticks.length;
    this.session = applyTicks(this.session, ticks);
    // A room that stores nothing is never trimmed by a save: the window keeps itself.
    this.trim();
  }

  /** Replaces everything (a backfill, or a source switch that drops history). */
  reset(candles: Candle[], tail: Tick[], seq: number): void {
    this.candles = candles;
    this.tail = tail;
    this.seq = seq;
    this.session = sessionFromCandles(candles, tail[tail.length - 1]);
    this.dirtyHours = new Set(candles.map((c) => bucketStart(c[0], HOUR_MS)));
  }

  /**
   * Merges finished one-minute candles from an exchange's history under the room's own: a
   * minute the history holds is taken from it (it saw every trade of that minute, the room
   * perhaps only some), the room's other minutes stay. The ticks and their counter do not
   * change; the session is read again from the candles. Returns how many minutes changed.
   */
  merge(candles: readonly Candle[]): number {
    const byStart = new Map<number, Candle>();
    for (const c of this.candles) byStart.set(c[0], c);
    let changed = 0;
    for (const c of candles) {
      const held = byStart.get(c[0]);
      if (held?.every((v, i) => v === c[i])) continue;
      byStart.set(c[0], [...c] as Candle);
      this.dirtyHours.add(bucketStart(c[0], HOUR_MS));
      changed++;
    }
    if (changed === 0) return 0;
    this.candles = [...byStart.values()].sort((a, b) => a[0] - b[0]);
    this.session = sessionFromCandles(this.candles, this.last);
    return changed;
  }

  /** An independent copy, so that a change can be made and dropped (a push that was not stored). */
  clone(): History {
    const copy = new History(
      this.candles.map((c) => [...c] as Candle),
      [...this.tail],
      this.seq,
    );
    copy.session = this.session && { ...this.session };
    copy.dirtyHours = new Set(this.dirtyHours);
    return copy;
  }

  /** Keeps the 24 hours that end with the newest candle. Returns the first hour kept. */
  trim(): number {
    const newest = this.candles[this.candles.length - 1];
    if (!newest) return 0;
    const cutoff = newest[0] - LIMITS.historyMs + 60_000;
    const firstHour = bucketStart(cutoff, HOUR_MS);
    // The oldest hour kept lost minutes: its stored chunk must be rewritten without them.
    if (trimCandles(this.candles, cutoff) > 0) this.dirtyHours.add(firstHour);
    return firstHour;
  }

  recentTicks(): Tick[] {
    return this.tail.length > LIMITS.snapshotTicks
      ? this.tail.slice(-LIMITS.snapshotTicks)
      : this.tail;
  }

  quote(volumeDecimals?: number): Quote | null {
    return this.session ? toQuote(this.session, volumeDecimals) : null;
  }

  /** The storage entries of the hours that changed, and forgets that they changed. */
  takeDirtyChunks(): Record<string, Candle[]> {
    const out: Record<string, Candle[]> = {};
    for (const hour of this.dirtyHours) out[chunkKey(hour)] = this.hourCandles(hour);
    this.dirtyHours.clear();
    return out;
  }

  private hourCandles(hour: number): Candle[] {
    return this.candles.filter((c) => c[0] >= hour && c[0] < hour + HOUR_MS);
  }

  /** Rebuilds candles from stored chunks, in any key order. */
  static candlesFromChunks(chunks: Iterable<[string, Candle[]]>): Candle[] {
    const sorted = [...chunks]
      .filter(([k]) => isChunkKey(k))
      .sort((a, b) => chunkHour(a[0]) - chunkHour(b[0]));
    return sorted.flatMap(([, candles]) => candles);
  }
}

export const SPARK_STEP_MS = 15 * 60_000;

/**
 * A day in a few numbers: the close of every 15-minute step of the last 24 hours that had
 * trades, oldest first, ending with the latest close. Enough for a row's sparkline.
 */
export function sparkline(candles: readonly Candle[]): number[] {
  const out: number[] = [];
  let step = Number.NaN;
  for (const c of candles) {
    const s = bucketStart(c[0], SPARK_STEP_MS);
    if (s === step) out[out.length - 1] = c[4];
    else {
      out.push(c[4]);
      step = s;
    }
  }
  return out;
}
