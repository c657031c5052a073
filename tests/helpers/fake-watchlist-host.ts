/**
 * A `RoomHost` over plain memory, for testing a room core without a runtime: the platform's
 * storage (the strict `FakeStorage`) and its hibernatable sockets. Dropping a core and building
 * a new one over the same host is what a wake-up from hibernation looks like to the room: its
 * fields are gone, its storage and its sockets (with their state) are not.
 */
import { serialize } from "node:v8";
import type { Conn, RoomHost } from "../../party/rooms/host.ts";
import { FakeStorage } from "./fake-room.ts";

/** The runtime's limit on a socket's serialised attachment. */
const MAX_STATE_BYTES = 2048;
/** The runtime's limit on keys per batch operation. */
const MAX_BATCH = 128;

/** `FakeStorage` with the whole of `RoomStorage`. */
export class FakeHostStorage extends FakeStorage {
  async deleteAll(): Promise<void> {
    const keys = this.keys();
    for (let i = 0; i < keys.length; i += MAX_BATCH)
      await this.delete(keys.slice(i, i + MAX_BATCH));
  }
}

/** A socket as a core sees it, strict where the runtime is: state is cloned in and out. */
export class FakeSocket<S> implements Conn<S> {
  /** Every frame the room sent, in order. */
  readonly sent: string[] = [];
  /** The first close, as the client saw it; the room answering a close is not another one. */
  closedWith: { code?: number; reason?: string } | null = null;
  readonly tags: string[];
  private attachment: unknown = null;

  constructor(
    readonly id: string,
    readonly uri: string,
  ) {
    this.tags = [id];
  }

  get state(): S | null {
    return structuredClone(this.attachment) as S | null;
  }

  setState(next: S | null): S | null {
    const bytes = serialize(next ?? null).byteLength;
    if (bytes > MAX_STATE_BYTES) {
      throw new RangeError(`connection state of ${bytes} bytes is over ${MAX_STATE_BYTES}`);
    }
    this.attachment = structuredClone(next ?? null);
    return this.state;
  }

  send(text: string): void {
    if (!this.open) throw new Error("WebSocket is not open");
    this.sent.push(text);
  }

  close(code?: number, reason?: string): void {
    this.closedWith ??= { code, reason };
  }

  get open(): boolean {
    return this.closedWith === null;
  }

  /** Parsed frames, optionally only those sent from index `from` on. */
  frames<T = { type: string }>(from = 0): T[] {
    return this.sent.slice(from).map((t) => JSON.parse(t) as T);
  }

  /** The frames of one type. */
  framesOf<T = { type: string }>(type: string): T[] {
    return this.frames<T & { type: string }>().filter((f) => f.type === type);
  }

  /** The last frame of one type; throws when there is none. */
  last<T = { type: string }>(type: string): T {
    const found = this.framesOf<T>(type).at(-1);
    if (found === undefined) throw new Error(`${this.id} got no ${type} frame`);
    return found;
  }
}

export class FakeHost<S> implements RoomHost<S> {
  readonly storage: FakeHostStorage;
  readonly env: Record<string, unknown>;
  private readonly sockets: FakeSocket<S>[] = [];
  private nextId = 0;

  constructor(
    readonly id: string,
    options: { storage?: FakeHostStorage; env?: Record<string, unknown> } = {},
  ) {
    this.storage = options.storage ?? new FakeHostStorage();
    this.env = options.env ?? {};
  }

  connections(tag?: string): Iterable<FakeSocket<S>> {
    return this.sockets.filter((s) => s.open && (tag === undefined || s.tags.includes(tag)));
  }

  /** The runtime accepts a socket at `path`: it is among the connections before the room hears. */
  accept(path: string): FakeSocket<S> {
    const socket = new FakeSocket<S>(`conn-${++this.nextId}`, `http://localhost${path}`);
    this.sockets.push(socket);
    return socket;
  }

  /** The client goes away: the socket is closed before the room hears of it. */
  leave(socket: FakeSocket<S>): void {
    socket.close(1000, "client left");
  }
}
