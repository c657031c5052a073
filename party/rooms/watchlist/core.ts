/**
 * A watchlist room, whatever runs it: one list, edited together. Server-authoritative: edits
 * are applied in arrival order by the protocol's reducer, stored, and only then sent to
 * everyone as the whole state. Roles and presence live in connection state, which survives
 * hibernation; the list lives in storage. It talks to its platform only through `RoomHost`.
 *
 * The list also holds its alerts, drawings and activity, each stored (with the activity event
 * that records it, in the same write) before anyone sees it. Alerts are evaluated by the ticker
 * room of their symbol, which this room tells about every change to the armed ones
 * (`alert-outbox.ts`) and which tells it of firings (`?fired`). Crosshairs are only relayed.
 *
 * This class orders the work (each connection's frames in turn, the list's changes one at a
 * time) and hands it on: joining and roles to `access.ts`, frames to `frames.ts`, HTTP to
 * `requests.ts`, all sharing one `Room` (`room.ts`) and the list it has loaded (`list-cache.ts`).
 */
import { answerClose, answered, bodyRefusal, httpError, json, serverError } from "../../http.ts";
import { ErrorCode, LIMITS, PRESENCE_LIMITS } from "../../protocol/index.ts";
import { clientKey, clientTag } from "../edge-headers.ts";
import type { RoomHost, RoomStorage } from "../host.ts";
import { Meter, meteredHost, storedBytes } from "../meter.ts";
import { socketsHeld, tooManySockets } from "../socket-cap.ts";
import { type Clock, systemClock } from "../ticker/clock.ts";
import { refuseIngestAuth } from "../ticker/push.ts";
import { join } from "./access.ts";
import { AlertOutbox } from "./alert-outbox.ts";
import { present, sendCrosshairs, sendPresence } from "./broadcast.ts";
import { CrosshairBoard, crosshairIntervalMs } from "./crosshairs.ts";
import { handleFrame } from "./frames.ts";
import { armedOn } from "./list-alerts.ts";
import { ListCache } from "./list-cache.ts";
import { answer } from "./requests.ts";
import type { Frame, Room, WatchlistConn, WatchlistConnState } from "./room.ts";
import { send } from "./send.ts";
import { Throttle } from "./throttle.ts";

export { gateWatchlistConnect, gateWatchlistRequest } from "./gate.ts";
export type { WatchlistConnState } from "./room.ts";

export type WatchlistCoreOptions = {
  /** Time and timers (presence and crosshair pacing, the frame budget, the link's timeouts). */
  clock?: Clock;
};

export class WatchlistCore {
  private readonly room: Room;
  private started: Promise<void> | null = null;
  /** Each connection's frames, its join first, handled one after another in arrival order. */
  private readonly queues = new WeakMap<WatchlistConn, Promise<void>>();
  /** Changes to the list (create, edit, rotate, delete), made one at a time. */
  private writing: Promise<unknown> = Promise.resolve();

  private readonly host: RoomHost<WatchlistConnState>;
  /** What this room costs, counted for `?stats` and the cost model. */
  private readonly meter: Meter;
  private readonly unmetered: RoomStorage;

  constructor(runtime: RoomHost<WatchlistConnState>, options: WatchlistCoreOptions = {}) {
    const base = options.clock ?? systemClock;
    this.meter = new Meter(() => base.now());
    const host = meteredHost(runtime, this.meter);
    this.host = host;
    this.unmetered = runtime.storage;
    const clock = this.meter.clock(base);
    const cache = new ListCache();
    const exclusive = <T>(change: () => Promise<T>): Promise<T> => this.exclusive(change);
    this.room = {
      host,
      clock,
      cache,
      exclusive,
      crosshairs: new CrosshairBoard(),
      presence: new Throttle(clock, PRESENCE_LIMITS.intervalMs, () => sendPresence(this.room)),
      crosshairPace: new Throttle(
        clock,
        () => crosshairIntervalMs(present(this.room).filter(Boolean).length),
        () => sendCrosshairs(this.room),
      ),
      outbox: new AlertOutbox({
        host: host as RoomHost<unknown>,
        clock,
        listId: () => cache.listId,
        armedOn: (symbol) => armedOn(cache.alerts.values(), symbol),
        exclusive,
      }),
    };
  }

  /**
   * Loads the list; every entry point awaits it, so a room answers reads without its runtime's
   * start hook. Runs once (again only after a failure), however often it is called.
   */
  start(): Promise<void> {
    this.started ??= this.load().catch((err: unknown) => {
      this.started = null;
      throw err;
    });
    return this.started;
  }

  /** The tags of a new socket: its client's, so that the room can count a client's sockets. */
  tags(req: Request): string[] {
    return [clientTag(clientKey(req))];
  }

  /**
   * Decides an upgrade before a socket is opened: 404 for a list that does not exist (or was
   * deleted), 429 for a client that already holds its share of this list's sockets; null lets
   * it through. Never throws.
   */
  async admit(req: Request): Promise<Response | null> {
    try {
      await this.start();
      const { cache } = this.room;
      if (!cache.list) return httpError(404, ErrorCode.notFound, cache.missing());
      if (socketsHeld(this.host, req) >= LIMITS.socketsPerClient) return tooManySockets("list");
      return null;
    } catch (err) {
      return serverError("watchlist upgrade", err);
    }
  }

  connect(conn: WatchlistConn, req: Request): Promise<void> {
    return this.enqueue(conn, async () => {
      await this.start();
      await join(this.room, conn, req);
    });
  }

  /** A frame waits for the frames before it, and for the connection's key check. */
  message(conn: WatchlistConn, data: Frame): Promise<void> {
    this.meter.message();
    // A socket that outlived its instance (hibernation) may speak before anything else woke it.
    return this.enqueue(conn, async () => {
      await this.start();
      await handleFrame(this.room, conn, data);
    });
  }

  close(conn: WatchlistConn): void {
    const user = conn.state?.user.id;
    answerClose(conn);
    this.room.presence.poke();
    if (user !== undefined && this.room.crosshairs.drop(user)) this.room.crosshairPace.poke();
  }

  /** Never throws: a failure is logged and answered with a 500 that shows no internals. */
  request(req: Request): Promise<Response> {
    return answered(req, this.respond(req));
  }

  /** The retry alarm: sends the armed sets the ticker rooms have not taken yet. Never throws. */
  async alarm(): Promise<void> {
    this.meter.alarm();
    try {
      await this.start();
    } catch (err) {
      console.error("watchlist alarm", err);
      return;
    }
    this.room.outbox.alarmFired();
    await this.room.outbox.flush();
  }

  private async load(): Promise<void> {
    const { cache, outbox } = this.room;
    outbox.adopt(await cache.load(this.host.storage));
    // Sets a crash or an eviction left undelivered go out now, whatever woke the room.
    if (outbox.pending.length > 0) void outbox.flush();
  }

  private async respond(req: Request): Promise<Response> {
    try {
      await this.start();
      if (req.method === "GET" && new URL(req.url).searchParams.has("stats")) {
        return refuseIngestAuth(req, this.host.env) ?? json(await this.stats());
      }
      this.meter.request();
      return await answer(this.room, req);
    } catch (err) {
      return bodyRefusal(err) ?? serverError("watchlist request", err);
    }
  }

  /** What this instance has cost since it started, for `GET ?stats` (with the ingest token). */
  private async stats() {
    const stored = await storedBytes(this.unmetered);
    let sockets = 0;
    for (const _ of this.host.connections()) sockets++;
    return { meter: { ...this.meter.counts(), storedBytes: stored }, sockets };
  }

  private enqueue(conn: WatchlistConn, run: () => Promise<void>): Promise<void> {
    const queued = (this.queues.get(conn) ?? Promise.resolve()).then(run).catch((err: unknown) => {
      console.error("watchlist frame failed", err);
      send(conn, {
        type: "error",
        code: ErrorCode.internal,
        message: "the room could not handle this frame; nothing was changed",
      });
    });
    this.queues.set(conn, queued);
    void queued.then(() => {
      if (this.queues.get(conn) === queued) this.queues.delete(conn);
    });
    return queued;
  }

  /** Runs one change to the list after those before it, so each builds on the last one stored. */
  private exclusive<T>(change: () => Promise<T>): Promise<T> {
    const run = this.writing.then(change);
    this.writing = run.catch(() => undefined);
    return run;
  }
}
