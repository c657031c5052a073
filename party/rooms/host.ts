/**
 * What a room core needs from the platform it runs on, and nothing more. Both shells (the
 * PartyServer Durable Object in `party/worker.ts` and the PartyKit classes in `party/ticker.ts`
 * and `party/watchlist.ts`) implement it over their runtime; the unit tests implement it over
 * plain memory (`tests/helpers/fake-room.ts`). A core never imports a platform module.
 */
import type { PartyName } from "./route.ts";

/** One client socket. Its state survives hibernation; everything else about it is the runtime's. */
export interface Conn<S = unknown> {
  /** Chosen by the runtime (or, under `partykit dev`, by the client): never an identity. */
  readonly id: string;
  /** The URL of the upgrade request, kept across hibernation. */
  readonly uri: string | null;
  readonly state: S | null;
  setState(state: S | null): unknown;
  send(text: string): void;
  close(code?: number, reason?: string): void;
}

/** The Durable Object storage API, as far as the rooms use it (both runtimes provide it). */
export interface RoomStorage {
  get<T = unknown>(key: string): Promise<T | undefined>;
  get<T = unknown>(keys: string[]): Promise<Map<string, T>>;
  list<T = unknown>(options?: { prefix?: string }): Promise<Map<string, T>>;
  put<T>(key: string, value: T): Promise<void>;
  put<T>(entries: Record<string, T>): Promise<void>;
  delete(key: string): Promise<boolean>;
  delete(keys: string[]): Promise<number>;
  deleteAll(): Promise<void>;
  getAlarm(): Promise<number | null>;
  setAlarm(time: number): Promise<void>;
  deleteAlarm(): Promise<void>;
}

export interface RoomHost<S = unknown> {
  /**
   * The room's name (`AAPL`, a watchlist id). Under `partykit dev` it cannot be read inside an
   * alarm: a core that needs it there keeps its own copy in storage.
   */
  readonly id: string;
  /** Settings (`INGEST_TOKEN`, `FEEDS`, ...): strings, or absent. */
  readonly env: Readonly<Record<string, unknown>>;
  readonly storage: RoomStorage;
  /** Open sockets, optionally only those carrying `tag` (tags are set when a socket connects). */
  connections(tag?: string): Iterable<Conn<S>>;
  /**
   * Another room of this server, to send it a request directly (never through the edge, so
   * headers the edge strips reach it: `alert-link.ts`). Only path, query, method, headers and
   * body of the request count. Under `partykit dev` it cannot be reached inside an alarm of a
   * room that woke for that alarm: the request fails, and is retried later. Absent where the
   * platform offers none (some test hosts); a core treats that as a failed request.
   */
  room?(party: PartyName, id: string): RoomStub;
  /** Whether the platform hosts relay rooms for hot symbols (`rooms/relay/`): the Worker does. */
  readonly relays?: boolean;
}

/** What a room can do with another room. */
export interface RoomStub {
  fetch(req: Request): Promise<Response>;
}

/** A setting as a non-empty string, or undefined. */
export function setting(env: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = env[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}
