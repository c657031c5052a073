/**
 * An in-memory `RoomHost`: Durable Object storage with alarms, hibernatable connections, and
 * the runtime's side of them (opening and closing sockets, firing alarms). It exists to test
 * what `partykit dev` never does: evicting a room and waking a fresh instance over the same
 * storage and the same open sockets.
 *
 * It stands in for the platform, not for the room: the cores under test are the real ones.
 * Where the platform is strict (values cloned on the way in and out, 128 entries per batch,
 * 128 KiB per value, 2 KB of connection state, the room id unreadable in an alarm under
 * partykit), the fake is strict too, so that a core relying on a leniency fails here rather
 * than when deployed.
 */
import { serialize } from "node:v8";
import { vi } from "vitest";
import type { Conn, RoomHost, RoomStorage, RoomStub } from "../../party/rooms/host.ts";
import type { PartyName } from "../../party/rooms/route.ts";
import type { Clock } from "../../party/rooms/ticker/clock.ts";

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
export class FakeStorage implements RoomStorage {
  private readonly data = new Map<string, unknown>();
  private alarm: number | null = null;
  /** Set by `failNextBatch`: the writes issued together next are refused. */
  private failing: "armed" | "failing" | null = null;
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
    this.refuseIfFailing();
    this.counts.puts++;
    for (const [k, v] of cloned) {
      this.data.set(k, v);
      this.counts.keysWritten++;
    }
  }

  async delete(key: string): Promise<boolean>;
  async delete(keys: string[]): Promise<number>;
  async delete(keyOrKeys: string | string[]): Promise<boolean | number> {
    this.refuseIfFailing();
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

  async deleteAll(): Promise<void> {
    this.refuseIfFailing();
    this.counts.deletes++;
    this.data.clear();
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

  /**
   * The next batch of writes fails and changes nothing, as a runtime's storage may (overloaded,
   * or reset). A batch is what the runtime commits together: every put and delete issued
   * before the room next awaits.
   */
  failNextBatch(): void {
    this.failing = "armed";
  }

  private refuseIfFailing(): void {
    if (this.failing === null) return;
    if (this.failing === "armed") {
      this.failing = "failing";
      queueMicrotask(() => {
        this.failing = null;
      });
    }
    throw new Error("storage write failed");
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
export class FakeConnection<S = unknown> implements Conn<S> {
  readonly id: string;
  readonly uri: string;
  /** Tags as the runtime keeps them: the id first, then the room's `getConnectionTags`. */
  tags: string[] = [];
  readyState = OPEN;
  /** Every frame the room sent, with the (fake) time it was sent. */
  readonly sent: { at: number; text: string }[] = [];
  /** The first close, as the client saw it; the room answering a close is not another one. */
  closedWith: { code?: number; reason?: string } | null = null;
  private attachment: unknown = null;

  constructor(id: string, uri: string) {
    this.id = id;
    this.uri = uri;
  }

  /** Like the runtime's: deserialised afresh on every read, so nothing is shared by reference. */
  get state(): S | null {
    return structuredClone(this.attachment) as S | null;
  }

  setState(next: S | null): S | null {
    const bytes = serialize(next ?? null).byteLength;
    if (bytes > 2048) throw new RangeError(`connection state of ${bytes} bytes is over 2 KB`);
    this.attachment = structuredClone(next ?? null);
    return this.state;
  }

  send(message: string): void {
    if (this.readyState !== OPEN) throw new Error("WebSocket is not open");
    if (typeof message !== "string") throw new TypeError("rooms here send text frames only");
    this.sent.push({ at: Date.now(), text: message });
  }

  close(code?: number, reason?: string): void {
    this.readyState = CLOSED;
    this.closedWith ??= { code, reason };
  }

  /** Parsed frames, optionally only those sent from index `from` on. */
  frames<T = unknown>(from = 0): T[] {
    return this.sent.slice(from).map((f) => JSON.parse(f.text) as T);
  }

  get open(): boolean {
    return this.readyState === OPEN;
  }
}

/** A request a room sent to another room, as that room got it, and the status it answered. */
export type SentToRoom = {
  party: PartyName;
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  /** The status answered; null when the request failed without an answer. */
  status: number | null;
};

/** How the other rooms answer: a response, or a throw (no answer). */
export type RoomAnswer = (sent: Omit<SentToRoom, "status">) => Response | Promise<Response>;

/** The hooks a room core offers its runtime (the ticker's `TickerCore`, say). */
export interface RoomCore<S> {
  start(): Promise<void>;
  tags?(req: Request): string[];
  connect(conn: Conn<S>, req: Request): Promise<void>;
  close(conn: Conn<S>): Promise<void>;
  alarm(): Promise<void>;
}

/**
 * The `RoomHost` a core gets, plus the runtime's side: connecting and closing sockets, and
 * firing alarms when they are due.
 */
export class FakeRoom<S = unknown> implements RoomHost<S> {
  readonly env: Record<string, unknown>;
  readonly storage: FakeStorage;
  private readonly roomId: string;
  private readonly conns: FakeConnection<S>[] = [];
  private inAlarm = false;
  private nextId = 0;
  /** Every request the core sent to another room (`room()`), in order. */
  readonly sentToRooms: SentToRoom[] = [];
  /** How the other rooms answer; by default a list room taking a firing. */
  answerRoom: RoomAnswer = () =>
    new Response(JSON.stringify({ status: "fired" }), {
      status: 200,
      headers: { "content-type": "application/json" },
    });

  constructor(id: string, options: { storage?: FakeStorage; env?: Record<string, unknown> } = {}) {
    this.roomId = id;
    this.env = options.env ?? {};
    this.storage = options.storage ?? new FakeStorage();
  }

  /** As under partykit: unreadable while an alarm runs (including the start an alarm wakes). */
  get id(): string {
    if (this.inAlarm) {
      throw new Error("You can not access `Party.id` in the `onAlarm` handler.");
    }
    return this.roomId;
  }

  connections(tag?: string): Iterable<FakeConnection<S>> {
    return this.conns.filter((c) => c.open && (tag === undefined || c.tags.includes(tag)));
  }

  /** Another room, recorded: `sentToRooms` keeps each request, `answerRoom` answers it. */
  room(party: PartyName, id: string): RoomStub {
    return {
      fetch: async (req: Request): Promise<Response> => {
        const text = await req.text();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // Kept as text.
        }
        const sent = {
          party,
          id,
          method: req.method,
          url: req.url,
          headers: Object.fromEntries(req.headers),
          body,
        };
        const record: SentToRoom = { ...sent, status: null };
        this.sentToRooms.push(record);
        const res = await this.answerRoom(sent);
        record.status = res.status;
        return res;
      },
    };
  }

  // -------------------------------------------------------------------------------------------
  // The runtime's side

  /**
   * Opens a socket to `core` at `path` (with its query), as the runtime would, with the upgrade
   * request's extra `headers` (the edge's, say). A socket the core closes as it connects is
   * then closed for the core too, as the runtime tells it.
   */
  async connect(
    core: RoomCore<S>,
    path: string,
    headers: Record<string, string> = {},
  ): Promise<FakeConnection<S>> {
    const conn = new FakeConnection<S>(`conn-${++this.nextId}`, `http://localhost${path}`);
    const req = upgradeRequest(path, headers);
    const userTags = core.tags?.(req) ?? [];
    conn.tags = [conn.id, ...userTags.filter((t) => t !== conn.id)];
    this.conns.push(conn);
    await core.connect(conn, req);
    if (!conn.open) await core.close(conn);
    return conn;
  }

  /** The client goes away: the socket is closed before the room hears of it. */
  async disconnect(core: RoomCore<S>, conn: FakeConnection<S>): Promise<void> {
    conn.close(1000, "client left");
    await core.close(conn);
  }

  /**
   * Fires the pending alarm if it is due. With `wake`, the instance is new and this alarm is
   * what starts it: the runtime runs `start` first, also without a room id.
   */
  async fireAlarm(
    core: Pick<RoomCore<S>, "start" | "alarm">,
    options: { wake?: boolean } = {},
  ): Promise<boolean> {
    if (!this.storage.takeDueAlarm(Date.now())) return false;
    this.inAlarm = true;
    try {
      if (options.wake) await core.start();
      await core.alarm();
    } finally {
      this.inAlarm = false;
    }
    return true;
  }

  /**
   * Lets `ms` of fake time pass: timers run, and each alarm fires when it is due, in order.
   * Needs `vi.useFakeTimers()`.
   */
  async advance(core: Pick<RoomCore<S>, "start" | "alarm">, ms: number): Promise<void> {
    const end = Date.now() + ms;
    for (;;) {
      const alarm = this.storage.alarmTime;
      if (alarm === null || alarm > end) break;
      await vi.advanceTimersByTimeAsync(Math.max(0, alarm - Date.now()));
      await this.fireAlarm(core);
    }
    await vi.advanceTimersByTimeAsync(Math.max(0, end - Date.now()));
  }
}

/** A WebSocket upgrade request for `path`, as a room gets it. */
export function upgradeRequest(path: string, headers: Record<string, string> = {}): Request {
  return new Request(`http://localhost${path}`, { headers: { upgrade: "websocket", ...headers } });
}

/**
 * Time and timers by hand, for modules that take a `Clock`: nothing runs until `advance`, and
 * timers fire in time order with the clock set to when each was due.
 */
export class FakeClock implements Clock {
  private time: number;
  private readonly timers = new Map<number, { at: number; run: () => void }>();
  private nextId = 0;

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(run: () => void, ms: number): number {
    const id = ++this.nextId;
    this.timers.set(id, { at: this.time + Math.max(0, ms), run });
    return id;
  }

  clearTimeout(timer: unknown): void {
    this.timers.delete(timer as number);
  }

  /** Timers set and not yet fired or cleared. */
  get pending(): number {
    return this.timers.size;
  }

  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let due: [number, { at: number; run: () => void }] | undefined;
      for (const entry of this.timers) if (!due || entry[1].at < due[1].at) due = entry;
      if (!due || due[1].at > end) break;
      this.timers.delete(due[0]);
      this.time = Math.max(this.time, due[1].at);
      due[1].run();
    }
    this.time = end;
  }
}
