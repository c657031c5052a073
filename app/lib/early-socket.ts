/**
 * A room's socket opened before React has rendered anything: the entry opens it as soon as it
 * knows the route, so that the upgrade and the snapshot travel while the app's code downloads.
 * Its messages can go to the room's store at once (`onMessage`), so that the app's first render
 * may already show the price. The room hook's first connection adopts the socket (partysocket
 * builds its sockets with `AdoptingWebSocket`): the events it did not hear of (the open, and
 * messages that had nowhere else to go) reach its listeners first, in order, as if they had just
 * arrived. The adopted connection keeps the id it was opened with (partysocket's `_pk`); nothing
 * reads partysocket's own, and its reconnects use that one.
 */

type Listener = (event: Event) => void;
type SocketClass = new (url: string) => WebSocket;

const EVENT_TYPES = ["open", "message", "error", "close"] as const;

/** A socket nobody adopted (the page turned out to need another room) is closed after this. */
const UNCLAIMED_MS = 10_000;

type Early = {
  socket: WebSocket;
  /** Events that arrived before the socket was adopted, oldest first. */
  events: Event[];
  /** Where events go once the adopter has heard the earlier ones. */
  deliver: Listener | null;
  timer: ReturnType<typeof setTimeout>;
};

let early: Early | null = null;

type EarlyOptions = {
  /** Where text messages go until the socket is adopted; kept for the adopter without it. */
  onMessage?: (text: string) => void;
  /** The platform's WebSocket; tests pass another implementation of it. */
  Socket?: SocketClass;
};

/** Opens `url` now, for a room hook to adopt. One at a time: a page opens the room of its route. */
export function openEarly(url: string, options: EarlyOptions = {}): WebSocket {
  const { onMessage, Socket = WebSocket } = options;
  if (early) forget(early);
  const socket = new Socket(url);
  const entry: Early = {
    socket,
    events: [],
    deliver: null,
    timer: setTimeout(() => {
      if (early === entry) forget(entry);
    }, UNCLAIMED_MS),
  };
  const onEvent = (event: Event) => {
    if (entry.deliver) entry.deliver(event);
    else if (
      onMessage &&
      event.type === "message" &&
      typeof (event as MessageEvent).data === "string"
    )
      onMessage((event as MessageEvent).data);
    else entry.events.push(event);
  };
  for (const type of EVENT_TYPES) socket.addEventListener(type, onEvent);
  early = entry;
  return socket;
}

function forget(entry: Early): void {
  clearTimeout(entry.timer);
  if (early === entry) early = null;
  entry.socket.close();
}

/** The socket opened early for `url`, handed over once; null when there is none to adopt. */
export function adoptEarly(url: string): AdoptedSocket | null {
  const entry = early;
  // A socket that already closed brings nothing worth keeping: the adopter starts afresh.
  if (!entry || entry.socket.readyState > 1) return null;
  if (withoutId(entry.socket.url) !== withoutId(url)) return null;
  early = null;
  clearTimeout(entry.timer);
  return new AdoptedSocket(entry);
}

/** A room's URL as partysocket builds it, `_pk` (the connection's id) included. */
export function roomUrl(party: string, room: string): string {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const query = new URLSearchParams({ _pk: connectionId() });
  return `${scheme}://${location.host}/parties/${party}/${room}?${query}`;
}

function withoutId(url: string): string {
  const parsed = new URL(url);
  parsed.searchParams.delete("_pk");
  return parsed.href;
}

/** A random id as partysocket makes one (`randomUUID` needs a secure context). */
function connectionId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join("");
}

/**
 * What partysocket constructs sockets with: the early socket for the same URL the first time,
 * a new WebSocket otherwise. A function, not a class: `new` returns the object it returns.
 */
export function AdoptingWebSocket(url: string, protocols?: string | string[]): unknown {
  return adoptEarly(new URL(url, location.href).href) ?? new WebSocket(url, protocols);
}

/**
 * The adopted socket as partysocket uses one. Its listeners are added right after it is
 * constructed, in the same task; a microtask later they hear the events that came before.
 */
export class AdoptedSocket {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly socket: WebSocket;

  constructor(entry: Early) {
    this.socket = entry.socket;
    queueMicrotask(() => {
      const earlier = entry.events;
      entry.events = [];
      for (const event of earlier) this.emit(event);
      entry.deliver = (event) => this.emit(event);
    });
  }

  get readyState(): number {
    return this.socket.readyState;
  }
  get url(): string {
    return this.socket.url;
  }
  get protocol(): string {
    return this.socket.protocol;
  }
  get extensions(): string {
    return this.socket.extensions;
  }
  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }
  get binaryType(): BinaryType {
    return this.socket.binaryType;
  }
  set binaryType(value: BinaryType) {
    this.socket.binaryType = value;
  }

  send(data: Parameters<WebSocket["send"]>[0]): void {
    this.socket.send(data);
  }

  close(code?: number, reason?: string): void {
    this.socket.close(code, reason);
  }

  addEventListener(type: string, listener: Listener): void {
    let set = this.listeners.get(type);
    if (!set) {
      set = new Set();
      this.listeners.set(type, set);
    }
    set.add(listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    this.listeners.get(type)?.delete(listener);
  }

  private emit(event: Event): void {
    const set = this.listeners.get(event.type);
    if (set) for (const listener of [...set]) listener(event);
  }
}
