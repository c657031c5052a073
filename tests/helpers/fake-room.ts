/**
 * An in-memory stand-in for the pieces of the PartyKit runtime a room uses: Durable Object
 * storage with alarms, hibernatable connections, and the `Party.Room` around them. It exists
 * to test what `partykit dev` never does: evicting a room and waking a fresh instance over the
 * same storage and the same open sockets.
 *
 * It is a stand-in for the platform, not for the room: rooms under test are the real classes.
 * Where the platform is strict (values cloned on the way in and out, 128 entries per batch,
 * 128 KiB per value, `room.id` unreadable in `onAlarm`), the fake is strict too, so that a room
 * relying on a leniency fails here rather than when deployed.
 */
import { serialize } from "node:v8";
import type * as Party from "partykit/server";
import { vi } from "vitest";

/** Durable Object limits (Cloudflare's documented values). */
const MAX_BATCH = 128;
const MAX_VALUE_BYTES = 128 * 1024;
const MAX_KEY_BYTES = 2048;

export type StorageCounts = {
  /** `put` calls, whether of one key or a batch: each is one write to the runtime. */
  puts: number;
  /** Keys written, over all `put` calls. */
  keysWritten: number;
  deletes: number;
  setAlarms: number;
  deleteAlarms: number;
  alarmsFired: number;
};

/** Durable Object storage semantics over a Map: values are structured-cloned both ways. */
export class FakeStorage {
  private readonly data = new Map<string, unknown>();
  private alarm: number | null = null;
  readonly counts: StorageCounts = {
    puts: 0,
    keysWritten: 0,
    deletes: 0,
    setAlarms: 0,
    deleteAlarms: 0,
    alarmsFired: 0,
  };

  async get<T>(key: string): Promise<T | undefined>;
  async get<T>(keys: string[]): Promise<Map<string, T>>;
  async get<T>(keyOrKeys: string | string[]): Promise<T | undefined | Map<string, T>> {
    if (typeof keyOrKeys === "string") return this.read<T>(keyOrKeys);
    if (keyOrKeys.length > MAX_BATCH) throw new RangeError(`get() takes at most ${MAX_BATCH} keys`);
    const out = new Map<string, T>();
    for (const key of [...keyOrKeys].sort()) {
      const value = this.read<T>(key);
      if (value !== undefined) out.set(key, value);
    }
    return out;
  }

  async put<T>(key: string, value: T): Promise<void>;
  async put<T>(entries: Record<string, T>): Promise<void>;
  async put<T>(keyOrEntries: string | Record<string, T>, value?: T): Promise<void> {
    const entries: [string, unknown][] =
      typeof keyOrEntries === "string" ? [[keyOrEntries, value]] : Object.entries(keyOrEntries);
    if (entries.length > MAX_BATCH) {
      throw new RangeError(`put() takes at most ${MAX_BATCH} entries, got ${entries.length}`);
    }
    // Check everything before writing anything: a batch is atomic.
    const cloned = entries.map(([k, v]) => [k, this.checked(k, v)] as const);
    this.counts.puts++;
    for (const [k, v] of cloned) {
      this.data.set(k, v);
      this.counts.keysWritten++;
    }
  }

  async delete(key: string): Promise<boolean>;
  async delete(keys: string[]): Promise<number>;
  async delete(keyOrKeys: string | string[]): Promise<boolean | number> {
    this.counts.deletes++;
    if (typeof keyOrKeys === "string") return this.data.delete(keyOrKeys);
    if (keyOrKeys.length > MAX_BATCH) {
      throw new RangeError(`delete() takes at most ${MAX_BATCH} keys`);
    }
    let n = 0;
    for (const key of keyOrKeys) if (this.data.delete(key)) n++;
    return n;
  }

  async list<T>(
    options: { prefix?: string; start?: string; end?: string; limit?: number } = {},
  ): Promise<Map<string, T>> {
    const keys = [...this.data.keys()]
      .filter((k) => options.prefix === undefined || k.startsWith(options.prefix))
      .filter((k) => options.start === undefined || k >= options.start)
      .filter((k) => options.end === undefined || k < options.end)
      .sort();
    const out = new Map<string, T>();
    for (const key of keys.slice(0, options.limit ?? keys.length)) {
      out.set(key, this.read<T>(key) as T);
    }
    return out;
  }

  async getAlarm(): Promise<number | null> {
    return this.alarm;
  }

  async setAlarm(time: number | Date): Promise<void> {
    this.counts.setAlarms++;
    this.alarm = typeof time === "number" ? time : time.getTime();
  }

  async deleteAlarm(): Promise<void> {
    this.counts.deleteAlarms++;
    this.alarm = null;
  }

  // -------------------------------------------------------------------------------------------
  // For tests and for the fake runtime

  /** The pending alarm, as the runtime sees it. */
  get alarmTime(): number | null {
    return this.alarm;
  }

  /** The runtime clears an alarm as it fires it; a handler that wants another sets it again. */
  takeDueAlarm(now: number): boolean {
    if (this.alarm === null || this.alarm > now) return false;
    this.alarm = null;
    this.counts.alarmsFired++;
    return true;
  }

  keys(): string[] {
    return [...this.data.keys()].sort();
  }

  /** A copy of a stored value, without counting as a read by the room. */
  peek<T>(key: string): T | undefined {
    return this.read<T>(key);
  }

  snapshotCounts(): StorageCounts {
    return { ...this.counts };
  }

  private read<T>(key: string): T | undefined {
    return this.data.has(key) ? (structuredClone(this.data.get(key)) as T) : undefined;
  }

  private checked(key: string, value: unknown): unknown {
    if (new TextEncoder().encode(key).byteLength > MAX_KEY_BYTES) {
      throw new RangeError(`key ${key.slice(0, 20)}… is over ${MAX_KEY_BYTES} bytes`);
    }
    if (value === undefined) throw new TypeError(`put(${key}) with undefined`);
    const bytes = serialize(value).byteLength;
    if (bytes > MAX_VALUE_BYTES) {
      throw new RangeError(`value of ${key} is ${bytes} bytes, over ${MAX_VALUE_BYTES}`);
    }
    return structuredClone(value);
  }
}

const OPEN = 1;
const CLOSED = 3;

/** A hibernatable WebSocket as a room sees it. */
export class FakeConnection {
  readonly id: string;
  readonly uri: string;
  /** Tags as the runtime keeps them: the id first, then the room's `getConnectionTags`. */
  tags: string[] = [];
  readyState = OPEN;
  /** Every frame the room sent, with the (fake) time it was sent. */
  readonly sent: { at: number; text: string }[] = [];
  closedWith: { code?: number; reason?: string } | null = null;
  private attachment: unknown = null;

  constructor(id: string, uri: string) {
    this.id = id;
    this.uri = uri;
  }

  /** Like partykit's: deserialised afresh on every read, so nothing is shared by reference. */
  get state(): unknown {
    return structuredClone(this.attachment);
  }

  setState(next: unknown): unknown {
    const value = typeof next === "function" ? (next as (s: unknown) => unknown)(this.state) : next;
    const bytes = serialize(value ?? null).byteLength;
    if (bytes > 2048) throw new RangeError(`connection state of ${bytes} bytes is over 2 KB`);
    this.attachment = structuredClone(value ?? null);
    return this.state;
  }

  send(message: string | ArrayBuffer | ArrayBufferView): void {
    if (this.readyState !== OPEN) throw new Error("WebSocket is not open");
    if (typeof message !== "string") throw new TypeError("rooms here send text frames only");
    this.sent.push({ at: Date.now(), text: message });
  }

  close(code?: number, reason?: string): void {
    this.readyState = CLOSED;
    this.closedWith = { code, reason };
  }

  /** Parsed frames, optionally only those sent from index `from` on. */
  frames<T = unknown>(from = 0): T[] {
    return this.sent.slice(from).map((f) => JSON.parse(f.text) as T);
  }

  get open(): boolean {
    return this.readyState === OPEN;
  }
}

type Handlers = Pick<
  Party.Server,
  "onStart" | "onConnect" | "onClose" | "onAlarm" | "getConnectionTags"
>;

/**
 * The `Party.Room` a room instance gets, plus the runtime's side: connecting and closing
 * sockets, and firing alarms when they are due.
 */
export class FakeRoom {
  readonly name: string;
  readonly internalID: string;
  readonly env: Record<string, unknown>;
  readonly storage: FakeStorage;
  private readonly roomId: string;
  private readonly conns: FakeConnection[] = [];
  private inAlarm = false;
  private nextId = 0;

  constructor(
    id: string,
    options: { storage?: FakeStorage; env?: Record<string, unknown>; party?: string } = {},
  ) {
    this.roomId = id;
    this.name = options.party ?? "ticker";
    this.internalID = `fake-${this.name}-${id}`;
    this.env = options.env ?? {};
    this.storage = options.storage ?? new FakeStorage();
  }

  /** As in partykit: unreadable while an alarm runs (including the start an alarm wakes). */
  get id(): string {
    if (this.inAlarm) {
      throw new Error("You can not access `Party.id` in the `onAlarm` handler.");
    }
    return this.roomId;
  }

  get context(): never {
    throw new Error("the fake room has no context; rooms under test must not need it");
  }

  blockConcurrencyWhile = async <T>(fn: () => Promise<T>): Promise<T> => fn();

  getConnections(tag?: string): Iterable<FakeConnection> {
    return this.conns.filter((c) => c.open && (tag === undefined || c.tags.includes(tag)));
  }

  getConnection(id: string): FakeConnection | undefined {
    return this.conns.find((c) => c.open && c.id === id);
  }

  broadcast = (message: string | ArrayBuffer | ArrayBufferView, without: string[] = []): void => {
    for (const c of this.getConnections()) if (!without.includes(c.id)) c.send(message);
  };

  /** The room as its class sees it. */
  get party(): Party.Room {
    return this as unknown as Party.Room;
  }

  /** Every connection ever opened, open or not. */
  get connections(): readonly FakeConnection[] {
    return this.conns;
  }

  // -------------------------------------------------------------------------------------------
  // The runtime's side

  /** Opens a socket to `server` at `path` (with its query), as the runtime would. */
  async connect(server: Handlers, path: string): Promise<FakeConnection> {
    const conn = new FakeConnection(`conn-${++this.nextId}`, `http://localhost${path}`);
    const ctx = { request: new Request(conn.uri) } as unknown as Party.ConnectionContext;
    const userTags = (await server.getConnectionTags?.(asConnection(conn), ctx)) ?? [];
    conn.tags = [conn.id, ...userTags.filter((t) => t !== conn.id)];
    this.conns.push(conn);
    await server.onConnect?.(asConnection(conn), ctx);
    return conn;
  }

  /** The client goes away: the socket is closed before the room hears of it. */
  async disconnect(server: Handlers, conn: FakeConnection): Promise<void> {
    conn.close(1000, "client left");
    await server.onClose?.(asConnection(conn));
  }

  /**
   * Fires the pending alarm if it is due. With `wake`, the instance is new and this alarm is
   * what starts it: the runtime runs `onStart` first, also without a room id.
   */
  async fireAlarm(server: Handlers, options: { wake?: boolean } = {}): Promise<boolean> {
    if (!this.storage.takeDueAlarm(Date.now())) return false;
    this.inAlarm = true;
    try {
      if (options.wake) await server.onStart?.();
      await server.onAlarm?.();
    } finally {
      this.inAlarm = false;
    }
    return true;
  }

  /**
   * Lets `ms` of fake time pass: timers run, and each alarm fires when it is due, in order.
   * Needs `vi.useFakeTimers()`.
   */
  async advance(server: Handlers, ms: number): Promise<void> {
    const end = Date.now() + ms;
    for (;;) {
      const alarm = this.storage.alarmTime;
      if (alarm === null || alarm > end) break;
      await vi.advanceTimersByTimeAsync(Math.max(0, alarm - Date.now()));
      await this.fireAlarm(server);
    }
    await vi.advanceTimersByTimeAsync(Math.max(0, end - Date.now()));
  }
}

export function asConnection<T = unknown>(conn: FakeConnection): Party.Connection<T> {
  return conn as unknown as Party.Connection<T>;
}
