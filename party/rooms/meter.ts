/**
 * What a room costs on Cloudflare's bill, counted as it runs: the room's side of the cost model
 * (`bench/cost/`). It wraps the room's storage and clock, so the rooms count without knowing:
 * rows written and read as the storage calls carry them, alarms set, and the time the room
 * cannot hibernate: while it holds a timer or an outbound socket, and for `LINGER_MS` after
 * anything it handled, as the runtime keeps an object in memory that long before it may
 * hibernate. The core adds what only it sees: requests, incoming WebSocket messages, alarms run.
 *
 * Rows follow Cloudflare's SQLite-backed key-value API: each key a `put` or `delete` names is a
 * row written, each key a `get` finds or a `list` returns is a row read. A `setAlarm` is billed
 * as a row written too; it is counted apart (`alarmsSet`), as the model adds it.
 */
import type { RoomHost, RoomStorage } from "./host.ts";
import type { Clock } from "./ticker/clock.ts";

/** How long the runtime keeps an object with nothing pending in memory before it hibernates. */
export const LINGER_MS = 10_000;

export type MeterCounts = {
  /** When this instance started counting: a room that hibernated and woke starts again at 0. */
  since: number;
  /** HTTP requests answered, not WebSocket upgrades nor `?stats` reads. */
  requests: number;
  wsMessagesIn: number;
  alarmsSet: number;
  alarmsRun: number;
  rowsWritten: number;
  rowsRead: number;
  /** Milliseconds with a timer pending or an outbound socket open: not hibernating. */
  awakeMs: number;
  outboundSocketMs: number;
};

export class Meter {
  private readonly counted: Omit<MeterCounts, "since" | "awakeMs" | "outboundSocketMs"> = {
    requests: 0,
    wsMessagesIn: 0,
    alarmsSet: 0,
    alarmsRun: 0,
    rowsWritten: 0,
    rowsRead: 0,
  };
  private readonly timers = new Set<unknown>();
  /** Whether the room holds a timer or an outbound socket. */
  private holding = false;
  /** The awake span under way: since when, and when it ends unless something else happens. */
  private spanStart: number | null = null;
  private spanEnd = 0;
  private awakeBefore = 0;
  private outboundSince: number | null = null;
  private outboundBefore = 0;

  private readonly since: number;

  constructor(private readonly now: () => number = () => Date.now()) {
    this.since = now();
  }

  request(): void {
    this.counted.requests++;
    this.touch(this.now());
  }

  message(): void {
    this.counted.wsMessagesIn++;
    this.touch(this.now());
  }

  alarm(): void {
    this.counted.alarmsRun++;
    this.touch(this.now());
  }

  /** An outbound socket (an exchange feed) opened or closed. */
  outbound(open: boolean): void {
    const now = this.now();
    if (open && this.outboundSince === null) {
      this.outboundSince = now;
    } else if (!open && this.outboundSince !== null) {
      this.outboundBefore += now - this.outboundSince;
      this.outboundSince = null;
    }
    this.settle(now);
  }

  counts(): MeterCounts {
    const now = this.now();
    this.closeSpan(now);
    const awake =
      this.spanStart === null
        ? 0
        : (this.holding ? now : Math.min(now, this.spanEnd)) - this.spanStart;
    return {
      since: this.since,
      ...this.counted,
      awakeMs: this.awakeBefore + awake,
      outboundSocketMs:
        this.outboundBefore + (this.outboundSince === null ? 0 : now - this.outboundSince),
    };
  }

  storage(storage: RoomStorage): RoomStorage {
    const counted = this.counted;
    return {
      get: (async (key: string | string[]) => {
        const value = await storage.get(key as string);
        if (Array.isArray(key)) counted.rowsRead += (value as unknown as Map<string, unknown>).size;
        else if (value !== undefined) counted.rowsRead++;
        return value;
      }) as RoomStorage["get"],
      list: async (options) => {
        const entries = await storage.list(options);
        counted.rowsRead += entries.size;
        return entries as never;
      },
      put: ((keyOrEntries: string | Record<string, unknown>, value?: unknown) => {
        if (typeof keyOrEntries === "string") {
          counted.rowsWritten++;
          return storage.put(keyOrEntries, value);
        }
        counted.rowsWritten += Object.keys(keyOrEntries).length;
        return storage.put(keyOrEntries);
      }) as RoomStorage["put"],
      delete: ((key: string | string[]) => {
        counted.rowsWritten += Array.isArray(key) ? key.length : 1;
        return storage.delete(key as string);
      }) as RoomStorage["delete"],
      deleteAll: () => storage.deleteAll(),
      getAlarm: () => storage.getAlarm(),
      setAlarm: (time) => {
        counted.alarmsSet++;
        return storage.setAlarm(time);
      },
      deleteAlarm: () => storage.deleteAlarm(),
    };
  }

  clock(clock: Clock): Clock {
    return {
      now: () => clock.now(),
      setTimeout: (run, ms) => {
        const timer = clock.setTimeout(() => {
          this.timers.delete(timer);
          this.touch(this.now());
          this.settle(this.now());
          run();
        }, ms);
        this.timers.add(timer);
        this.settle(this.now());
        return timer;
      },
      clearTimeout: (timer) => {
        clock.clearTimeout(timer);
        this.timers.delete(timer);
        this.settle(this.now());
      },
    };
  }

  /** Notes whether the room holds a timer or a socket, which keeps it awake while it does. */
  private settle(now: number): void {
    const holding = this.timers.size > 0 || this.outboundSince !== null;
    if (holding === this.holding) return;
    // Starting to hold is activity; so is letting go, which the runtime lingers after.
    this.touch(now);
    this.holding = holding;
  }

  /** Something happened at `now`: the room is awake, and stays so for `LINGER_MS` after. */
  private touch(now: number): void {
    this.closeSpan(now);
    this.spanStart ??= now;
    this.spanEnd = Math.max(this.spanEnd, now + LINGER_MS);
  }

  /** Ends the span under way if it ran out before `now`. */
  private closeSpan(now: number): void {
    if (this.spanStart === null || this.holding || now <= this.spanEnd) return;
    this.awakeBefore += this.spanEnd - this.spanStart;
    this.spanStart = null;
  }
}

/** What `storage` holds, in bytes of keys and JSON values: read unmetered, for `?stats`. */
export async function storedBytes(storage: RoomStorage): Promise<number> {
  let bytes = 0;
  for (const [key, value] of await storage.list())
    bytes += key.length + JSON.stringify(value).length;
  return bytes;
}

/** `host` with its storage counted by `meter`; everything else is read through, as it is. */
export function meteredHost<S>(host: RoomHost<S>, meter: Meter): RoomHost<S> {
  const storage = meter.storage(host.storage);
  const room = host.room;
  return {
    get id() {
      return host.id;
    },
    get env() {
      return host.env;
    },
    storage,
    connections: (tag) => host.connections(tag),
    ...(room ? { room: (party, id) => room.call(host, party, id) } : {}),
    ...(host.relays === undefined ? {} : { relays: host.relays }),
  };
}
