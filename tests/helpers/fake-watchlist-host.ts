/**
 * A `RoomHost` over plain memory, for testing a room core without a runtime: the platform's
 * storage (the strict `FakeStorage`) and its hibernatable sockets. Dropping a core and building
 * a new one over the same host is what a wake-up from hibernation looks like to the room: its
 * fields are gone, its storage and its sockets (with their state) are not.
 */
import { serialize } from "node:v8";
import type { Conn, RoomHost, RoomStub } from "../../party/rooms/host.ts";
import type { PartyName } from "../../party/rooms/route.ts";
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
    tags: readonly string[] = [],
  ) {
    this.tags = [id, ...tags];
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

/** A request one room sent another, as the other room got it. */
export type RoomCall = {
  party: PartyName;
  id: string;
  method: string;
  /** Path and query. */
  path: string;
  headers: Headers;
  body: string;
};

/** How the other rooms answer: a response, or a thrown error for one that cannot be reached. */
export type RoomAnswer = (call: RoomCall) => Response | Promise<Response>;

/** What a room without a handler for the request answers today: 405, as a ticker room does. */
export const NOT_YET: RoomAnswer = () =>
  new Response(JSON.stringify({ error: { code: "method_not_allowed", message: "not here" } }), {
    status: 405,
    headers: { "content-type": "application/json" },
  });

export class FakeHost<S> implements RoomHost<S> {
  readonly storage: FakeHostStorage;
  readonly env: Record<string, unknown>;
  /** Every request sent to another room, in order. */
  readonly calls: RoomCall[] = [];
  /** The other rooms' answers; a test replaces it (to wire a real core in, say). */
  answer: RoomAnswer = NOT_YET;
  private readonly sockets: FakeSocket<S>[] = [];
  private nextId = 0;

  constructor(
    readonly id: string,
    options: { storage?: FakeHostStorage; env?: Record<string, unknown> } = {},
  ) {
    this.storage = options.storage ?? new FakeHostStorage();
    this.env = options.env ?? {};
  }

  room(party: PartyName, id: string): RoomStub {
    return {
      fetch: async (req: Request): Promise<Response> => {
        const url = new URL(req.url);
        const call: RoomCall = {
          party,
          id,
          method: req.method,
          path: `${url.pathname}${url.search}`,
          headers: new Headers(req.headers),
          body: await req.text(),
        };
        this.calls.push(call);
        return this.answer(call);
      },
    };
  }

  /** The calls to the ticker rooms, their bodies parsed. */
  tickerCalls<T = unknown>(): (RoomCall & { json: T })[] {
    return this.calls
      .filter((c) => c.party === "ticker")
      .map((c) => ({ ...c, json: JSON.parse(c.body) as T }));
  }

  connections(tag?: string): Iterable<FakeSocket<S>> {
    return this.sockets.filter((s) => s.open && (tag === undefined || s.tags.includes(tag)));
  }

  /**
   * The runtime accepts a socket at `path`, with the tags the room gave it: it is among the
   * connections before the room hears.
   */
  accept(path: string, tags: readonly string[] = []): FakeSocket<S> {
    const socket = new FakeSocket<S>(`conn-${++this.nextId}`, `http://localhost${path}`, tags);
    this.sockets.push(socket);
    return socket;
  }

  /** The client goes away: the socket is closed before the room hears of it. */
  leave(socket: FakeSocket<S>): void {
    socket.close(1000, "client left");
  }
}
