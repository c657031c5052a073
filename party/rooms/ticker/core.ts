/**
 * What a ticker room does, whichever runtime hosts it: one room per symbol, owning the symbol's
 * price history, taking its prices from one source (`sources.ts`), fanning ticks out to its
 * sockets (`fanout.ts`) and keeping storage the truth (`storage.ts`). It works only while
 * watched: no alarm, timer, upstream socket or write while nobody is here.
 *
 * Pushes are taken in `push-ingest.ts`, and the alerts between the room's own ticks (an armed
 * set from a list room, the walk of a simulated room nobody watches, their alarm) are kept in
 * `alert-walk.ts`.
 *
 * Everything in fields is a cache that `start` rebuilds from storage after a wake-up. The room
 * keeps its symbol in storage, since some runtimes cannot say the room id inside an alarm.
 *
 * Reads never create a room: a snapshot of a room nobody has watched or pushed to is computed
 * in memory and not stored. A room is stored when someone first connects (the edge budgets
 * that per client, `admit`) or pushes to it.
 */
import {
  answerClose,
  answered,
  httpError,
  json,
  jsonText,
  preflight,
  serverError,
} from "../../http.ts";
import { type FeedsConfig, parseFeeds } from "../../market/feeds.ts";
import { freshTicks } from "../../market/providers/registry.ts";
import { DAY_MS } from "../../market/simulator.ts";
import { CLOSE_POLICY, ErrorCode, LIMITS, type Source, type Tick } from "../../protocol/index.ts";
import { FRESH_WINDOW, type FrameWindow } from "../../rate-limit.ts";
import { ALERTS_QUERY } from "../alert-link.ts";
import { clientKey, clientTag, mayCreate, NEEDS_CREATE_STATUS } from "../edge-headers.ts";
import { type Conn, type RoomHost, type RoomStorage, setting } from "../host.ts";
import { Meter, meteredHost, storedBytes } from "../meter.ts";
import { RelayDesk, type RelayState } from "../relay/desk.ts";
import { parseRelayFrame, RELAY_TAG, relayShardOf, toRelay } from "../relay/link.ts";
import { socketsHeld, tooManySockets } from "../socket-cap.ts";
import { AlertWalk, sessionCopy } from "./alert-walk.ts";
import { TickerAlerts } from "./alerts.ts";
import { answerFrame, send, sendText } from "./client-frames.ts";
import { type Clock, systemClock } from "./clock.ts";
import { Fanout } from "./fanout.ts";
import { tickerMode } from "./gate.ts";
import { refuseIngestAuth, Serial } from "./push.ts";
import { PushIngest } from "./push-ingest.ts";
import { rangeResponse } from "./ranges.ts";
import {
  type Room,
  type RoomStart,
  roomFrame,
  roomMeta,
  roomOn,
  roomResumed,
  roomSnapshot,
} from "./room.ts";
import {
  chooseSource,
  createSource,
  feedSource,
  isExchange,
  type PriceSource,
  type SourceSink,
} from "./sources.ts";
import { TickerStorage } from "./storage.ts";

export { ALERT_WALK_MS } from "./alert-walk.ts";
export { gateTickerConnect, gateTickerRequest, isUpgrade } from "./gate.ts";

/** What a socket carries across hibernation: its rate-limit window; a relay's, its load. */
export type TickerConnState = FrameWindow & { relay?: RelayState };
type TickerConn = Conn<TickerConnState>;

/**
 * A room whose history is stored (an exchange's) writes what changed at most this often while
 * watched; a restart loses at most this much, which the exchange's history gives back.
 */
export const SAVE_EVERY_MS = 10_000;
/** A derived room rewrites its anchor on waking when it is older than this, to keep `resume` cheap. */
const ANCHOR_REFRESH_MS = DAY_MS;

export class TickerCore {
  private room: Room | null = null;
  /** Whether storage holds the room; a room that was only read is held in memory alone. */
  private stored = false;
  private loading: Promise<void> | null = null;
  private readonly storage: TickerStorage;
  private readonly fanout: Fanout<TickerConn>;
  /** Which symbols take real prices (`FEEDS`); a bad setting leaves them simulated, and says so. */
  private readonly feeds: FeedsConfig;
  private readonly settingError: string | undefined;
  private readonly pushes = new Serial();
  private readonly since: number;
  private alarms = 0;
  private alarmsSet = 0;
  /** The armed alerts of this symbol and the firings not yet delivered (`alerts.ts`). */
  private readonly alerts: TickerAlerts;
  /** Armed sets, the walk of a simulated room's ticks and the alarm the alerts need. */
  private readonly walk: AlertWalk;
  /** Pushed ticks and candles (`POST`), and the reset of a pushed room (`DELETE`). */
  private readonly ingest: PushIngest;
  /** The room's own sockets and its relays, and where a new socket goes. */
  private readonly relays: RelayDesk<TickerConnState>;
  /** What the last save stored, so that an idle alarm need not store it again. */
  private savedAt: { seq: number; cursor: number } | null = null;
  /** The pending save of a watched room (`saveSoon`). */
  private saveTimer: unknown = null;

  private readonly sink: SourceSink = {
    due: () => {
      if (!this.watched()) return;
      this.advance();
      this.watch(true);
    },
    trades: (ticks, replay) => {
      const room = this.room;
      if (!room) return;
      const fresh = freshTicks(ticks, room.history.last?.[0] ?? null, replay);
      if (fresh.length === 0) return;
      const session = sessionCopy(room.history.session);
      room.history.append(fresh);
      this.fanout.queue(fresh);
      const upTo = (fresh[fresh.length - 1] as Tick)[0];
      if (this.alerts.evaluate(fresh, session, upTo, false)) void this.alerts.commit();
      this.saveSoon();
    },
    status: (status) => this.fanout.status(status),
    newestCandle: () => this.room?.history.candles.at(-1)?.[0] ?? null,
    candles: (candles) => {
      if (!this.room?.history.merge(candles)) return;
      // The day changed under the same `seq`: everyone gets it again.
      this.fanout.invalidate();
      this.fanout.resync();
      this.saveSoon();
    },
  };

  private readonly host: RoomHost<TickerConnState>;
  private readonly clock: Clock;
  /** What this room costs, counted for `?stats` and the cost model. */
  private readonly meter: Meter;
  /** Storage as the runtime gives it, for what `?stats` reads without billing it to the room. */
  private readonly unmetered: RoomStorage;

  constructor(runtime: RoomHost<TickerConnState>, clock: Clock = systemClock) {
    this.meter = new Meter(() => clock.now());
    const host = meteredHost(runtime, this.meter);
    this.host = host;
    this.unmetered = runtime.storage;
    this.clock = this.meter.clock(clock);
    clock = this.clock;
    this.storage = new TickerStorage(host.storage);
    this.feeds = parseFeeds(setting(host.env, "FEEDS"));
    this.settingError = this.feeds.ok ? undefined : this.feeds.error;
    if (this.settingError) console.error(this.settingError);
    this.since = clock.now();
    this.relays = new RelayDesk(host, host.relays === true);
    const alerts = new TickerAlerts(host as RoomHost<unknown>, clock, () => this.walk.alertAlarm());
    this.alerts = alerts;
    const fanout = new Fanout<TickerConn>({
      clock,
      sockets: (mode) => host.connections(mode),
      frame: () => this.room && roomFrame(this.room, clock.now(), this.settingError),
      snapshot: (now, mode) => roomSnapshot(this.loaded(), now, mode, this.settingError),
    });
    this.fanout = fanout;
    const queue = this.pushes;
    const room = () => this.room;
    const wanted = (symbol: string) => this.wanted(symbol);
    this.walk = new AlertWalk({
      host,
      clock,
      alerts,
      queue,
      room,
      wanted,
      watched: () => this.watched(),
      advance: () => this.advance(),
      setAlarm: (time) => this.setAlarm(time),
    });
    this.ingest = new PushIngest({
      host,
      clock,
      alerts,
      fanout,
      queue,
      room,
      setRoom: (next) => {
        this.room = next;
      },
      replace: (next) => this.replace(next),
      stored: () => this.stored,
      markStored: () => {
        this.stored = true;
      },
      wanted,
      source: (name, at) => this.source(name, at),
      save: (replaced, extra) => this.save(replaced, extra),
      startOver: (name, from) => this.startOver(name, from),
      runWhileWatched: () => this.runWhileWatched(),
    });
  }

  /**
   * Loads the room from storage, once per instance, whoever asks first: the runtime's start, a
   * read that reached the room without it, an upgrade being admitted.
   */
  start(): Promise<void> {
    this.loading ??= this.load().catch((err: unknown) => {
      this.loading = null;
      throw err;
    });
    return this.loading;
  }

  private async load(): Promise<void> {
    await this.loadRoom();
    // Woken with sockets still open (by a frame, a request or an alert's alarm): the source
    // runs again for them, and they get a fresh snapshot with its first ticks.
    if (this.room && this.stored) this.runWhileWatched();
    await this.alerts.load(this.walk);
    if (this.alerts.size === 0 && !this.alerts.busy) return;
    // Firings stored before a restart go out again; the list answers a repeat as a duplicate.
    void this.alerts.deliver();
    await this.walk.alertAlarm();
  }

  private async loadRoom(): Promise<void> {
    const stored = await this.storage.load();
    if (!stored) return;
    this.stored = true;
    const { meta, history } = stored;
    this.fanout.resyncDue = this.watched();
    const { symbol, cursor, lastPushed } = meta;
    const source = chooseSource(meta.source, this.wanted(symbol), false);
    if (source !== meta.source) {
      await this.startOver(source, { symbol, seq: history.seq, lastPushed });
      return;
    }
    const price = this.source(source, { symbol, cursor });
    if (!price.derived) {
      this.room = { symbol, history, lastPushed, source: price };
      return;
    }
    const now = this.clock.now();
    this.room = roomResumed(price, meta, now);
    // History stored before the room was derived goes, and an old anchor moves to now.
    if (this.storage.holdsHistory || now - cursor > ANCHOR_REFRESH_MS) await this.save(true);
  }

  /** A socket's tags, from its upgrade request: its mode, and its client for the socket cap. */
  tags(req: Request): string[] {
    if (relayShardOf(req) !== null) return ["full", RELAY_TAG];
    return [tickerMode(req.url), clientTag(clientKey(req))];
  }

  /**
   * What a runtime that can refuse an upgrade with a status asks before it opens the socket:
   * 429 for a client already holding `LIMITS.socketsPerClient` sockets here, and
   * `NEEDS_CREATE_STATUS` for an upgrade that would create this room when the edge has not
   * allowed that (it charges the client's budget for new rooms and asks again), and
   * `RELAY_STATUS` for one that a relay room serves (the edge forwards it there). Null: go on.
   */
  async admit(req: Request): Promise<Response | null> {
    try {
      await this.start();
      if (relayShardOf(req) !== null) return null;
      if (!this.budgeted()) return this.toRelay();
      if (socketsHeld(this.host, req) >= LIMITS.socketsPerClient) return tooManySockets("room");
      if (!this.stored && !mayCreate(req)) {
        return httpError(
          NEEDS_CREATE_STATUS,
          ErrorCode.rateLimited,
          "this room does not exist yet: opening it counts against the budget for new rooms",
        );
      }
      return this.toRelay();
    } catch (err) {
      return serverError("ticker upgrade", err);
    }
  }

  async connect(conn: TickerConn, req: Request): Promise<void> {
    const shard = relayShardOf(req);
    if (shard === null) {
      conn.setState({ ...FRESH_WINDOW });
      this.relays.joined(conn);
    } else conn.setState({ ...FRESH_WINDOW, relay: { shard, sockets: 0, frames: 0, sends: 0 } });
    // Where the runtime could not refuse the upgrade (or upgrades raced past `admit`).
    if (
      shard === null &&
      this.budgeted() &&
      socketsHeld(this.host, req) > LIMITS.socketsPerClient
    ) {
      conn.close(CLOSE_POLICY, "too many sockets from one client");
      return;
    }
    await this.start();
    if (!this.stored) await this.create();
    // Everyone already here must have every tick up to the snapshot before it is taken.
    this.advance(conn);
    this.fanout.flush(conn);
    conn.send(this.fanout.snapshotText(tickerMode(req.url)));
    // `conn` is here, so the room is watched: no need to look through every socket for one,
    // which the runtime answers by listing them all (10,000 reconnecting made that quadratic).
    this.runWhileWatched(true);
  }

  message(conn: TickerConn, data: string | ArrayBuffer | ArrayBufferView): void {
    this.meter.message();
    const relay = conn.state?.relay;
    if (relay) {
      const frame = parseRelayFrame(data);
      if (frame.ok && frame.value.type === "relay-load") {
        this.relays.report(conn, frame.value);
        return;
      }
    }
    const { window, answer } = answerFrame(conn.state, data, this.clock.now());
    conn.setState(relay ? { ...window, relay } : window);
    if (answer.kind === "close") conn.close(CLOSE_POLICY, "too many frames");
    else if (answer.kind === "reply") send(conn, answer.message);
    else if (this.room) {
      // As on connect: everyone else first gets the ticks the snapshot will hold, so that no
      // later frame repeats them to this socket.
      this.advance(conn);
      this.fanout.flush(conn);
      sendText(conn, this.fanout.snapshotText(tickerMode(conn.uri)));
    }
    // A socket that outlived a room whose creation failed has to connect again.
    else send(conn, { type: "error", code: ErrorCode.internal, message: "the room is not ready" });
  }

  async close(conn: TickerConn): Promise<void> {
    this.relays.left(conn);
    answerClose(conn);
    if (this.watched()) return;
    this.unwatch();
    this.cancelSave();
    if (this.stored) await this.saveWithAlerts();
    // Only armed alerts (or firings to deliver) keep an alarm in a room nobody watches.
    if (this.walk.alertWakeAt() !== null) await this.walk.alertAlarm(true);
    else if (this.stored && (await this.host.storage.getAlarm()) !== null) {
      await this.host.storage.deleteAlarm();
    }
  }

  async alarm(): Promise<void> {
    this.alarms++;
    this.meter.alarm();
    const now = this.clock.now();
    const room = this.room;
    const watched = this.watched();
    if (room && this.stored && !watched) {
      this.unwatch();
      this.cancelSave();
      if (!this.savedMatches(room)) await this.save();
    } else if (room && this.stored) {
      // An alert's retry while watched: the pump runs on its own timers, so it only catches up.
      this.advance();
      this.fanout.flush();
      this.watch();
    }
    if (!watched && this.walk.walkAlerts(now)) void this.alerts.commit();
    await this.alerts.alarm(now);
    await this.walk.alertAlarm();
  }

  request(req: Request): Promise<Response> {
    return answered(req, this.respond(req));
  }

  private async respond(req: Request): Promise<Response> {
    try {
      if (req.method === "OPTIONS") return preflight();
      await this.start();
      if (req.method === "GET" && new URL(req.url).searchParams.has("stats")) {
        return refuseIngestAuth(req, this.host.env) ?? json(await this.stats());
      }
      this.meter.request();
      if (req.method === "GET" || req.method === "HEAD") {
        // A room nobody has used is computed, not created: a read writes nothing.
        if (!this.room) this.replace(this.fresh());
        this.advance();
        const range = new URL(req.url).searchParams.get("range");
        if (range !== null)
          return await rangeResponse(range, this.loaded(), this.host.env, this.clock);
        return jsonText(this.fanout.snapshotText("full"));
      }
      if (req.method === "POST" && new URL(req.url).searchParams.has(ALERTS_QUERY)) {
        return await this.walk.applyAlerts(req);
      }
      if (req.method === "POST") return await this.ingest.push(req);
      if (req.method === "DELETE") return await this.ingest.reset(req);
      return httpError(
        405,
        ErrorCode.methodNotAllowed,
        "use GET for the snapshot, POST to push ticks or DELETE to reset a pushed room",
      );
    } catch (err) {
      return serverError("ticker request", err);
    }
  }

  // -------------------------------------------------------------------------------------------
  // The room and its source

  /**
   * First use of a room: its symbol (the room id, read here, never in an alarm) and history,
   * stored. A room held in memory since a read is stored as it stands.
   */
  private async create(): Promise<void> {
    const room = this.room;
    if (room) {
      // Everything in it is new to storage. It is stored as it was last brought up to date:
      // the caller advances it, so that a socket connecting gets its ticks in its snapshot.
      room.history.reset(room.history.candles, room.history.tail, room.history.seq);
      await this.save(true);
    } else {
      const symbol = this.host.id;
      const source = chooseSource(null, this.wanted(symbol), false);
      await this.startOver(source, { symbol, seq: 0, lastPushed: null });
    }
    this.stored = true;
  }

  /** A room never used, as it would start: in memory only, until someone connects or pushes. */
  private fresh(): Room {
    const symbol = this.host.id;
    const now = this.clock.now();
    const source = chooseSource(null, this.wanted(symbol), false);
    return roomOn(
      this.source(source, { symbol, cursor: now }),
      { symbol, seq: 0, lastPushed: null },
      now,
    );
  }

  /** Starts the room over on `name`, stored (replacing what was) before anyone is told. */
  private async startOver(name: Source, from: RoomStart): Promise<void> {
    const now = this.clock.now();
    this.replace(roomOn(this.source(name, { symbol: from.symbol, cursor: now }), from, now));
    await this.save(true);
  }

  /** The room as loaded; only called where one must exist. */
  private loaded(): Room {
    if (!this.room) throw new Error("the ticker room is used before it was loaded or created");
    return this.room;
  }

  private replace(room: Room): void {
    this.room?.source.unwatch();
    this.meter.outbound(false);
    this.fanout.stop();
    this.fanout.invalidate();
    this.room = room;
  }

  private source(name: Source, at: { symbol: string; cursor: number }): PriceSource {
    return createSource(name, { ...at, clock: this.clock, env: this.host.env });
  }

  private wanted(symbol: string): Source {
    return feedSource(symbol, this.feeds);
  }

  /** Brings the source up to now, publishing what it made to everyone but `except`. */
  private advance(except?: TickerConn): void {
    const room = this.room;
    if (!room) return;
    const now = this.clock.now();
    const from = room.source.cursor;
    const session = this.alerts.size > 0 ? sessionCopy(room.history.session) : null;
    const step = room.source.advance(now);
    if (step.kind === "rebuilt") {
      room.history.reset(step.day.candles, step.day.tail, room.history.seq + step.count);
      this.fanout.resync(except);
      if (this.walk.walkAlerts(now)) void this.alerts.commit();
      return;
    }
    const ticks = step.kind === "ticks" ? step.ticks : [];
    room.history.append(ticks);
    this.fanout.publish(ticks, except);
    if (step.kind !== "ticks") return;
    const cursor = this.alerts.cursor;
    // Ticks a walk has not reached yet (the room was not advanced while nobody watched) are
    // walked first; otherwise the room's own batch is evaluated.
    const fired =
      cursor !== null && cursor < from
        ? this.walk.walkAlerts(now)
        : this.alerts.evaluate(ticks, session, now, true);
    if (fired) void this.alerts.commit();
    else this.saveSoon();
  }

  /** `known`: the caller knows a socket is open (it is handling one). */
  private watch(known = false): void {
    const source = this.room?.source;
    if (!source || !(known || this.watched())) return;
    source.watch(this.sink);
    if (isExchange(source.name)) this.meter.outbound(true);
  }

  /**
   * A watched room whose source runs (the simulator, an exchange) runs it. It sets no alarm:
   * the source's timer or socket keeps the room awake while anyone watches, and a room that
   * restarts is woken by its sockets reconnecting.
   */
  private runWhileWatched(known = false): void {
    if ((known || this.watched()) && this.loaded().source.runsWhileWatched) this.watch(known);
  }

  private unwatch(): void {
    this.room?.source.unwatch();
    this.meter.outbound(false);
    this.fanout.stop();
  }

  private watched(): boolean {
    for (const _ of this.host.connections()) return true;
    return false;
  }

  /** Null to take a new socket here, or the answer that hands it to a relay. */
  private toRelay(): Response | null {
    const shard = this.relays.assign();
    return shard === null ? null : toRelay(shard);
  }

  /** Per-client budgets are on unless `BUDGETS=off` (load tests that run every client from one machine). */
  private budgeted(): boolean {
    return setting(this.host.env, "BUDGETS") !== "off";
  }

  private async save(
    replaced = false,
    extra: Record<string, unknown> | null = null,
  ): Promise<void> {
    const room = this.room;
    if (!room) return;
    if (room.source.derived) {
      // Where it starts is all it stores: its history and counter follow from that.
      await this.storage.saveDerived(replaced ? roomMeta(room) : null, room.history, extra);
    } else {
      await this.storage.save(roomMeta(room), room.history, replaced, extra);
    }
    this.savedAt = { seq: room.history.seq, cursor: room.source.cursor };
  }

  /**
   * A watched room's writes, batched: what changed is stored once `SAVE_EVERY_MS` after the
   * first change, so a busy exchange room writes at most that often. A derived room has only
   * the alerts' state to store, and sets nothing when they owe nothing.
   */
  private saveSoon(): void {
    const room = this.room;
    if (this.saveTimer !== null || !room || !this.stored) return;
    if (room.source.derived && !this.alerts.owesWrites) return;
    this.saveTimer = this.clock.setTimeout(() => {
      this.saveTimer = null;
      this.saveWithAlerts().catch((err: unknown) => console.error("ticker: could not save", err));
    }, SAVE_EVERY_MS);
  }

  private cancelSave(): void {
    if (this.saveTimer !== null) this.clock.clearTimeout(this.saveTimer);
    this.saveTimer = null;
  }

  /** A save that also carries what the alerts owe to storage, in the same batch. */
  private async saveWithAlerts(replaced = false): Promise<void> {
    const extra = this.alerts.takeWrites();
    try {
      await this.save(replaced, extra);
    } catch (err) {
      this.alerts.written(extra, false);
      throw err;
    }
    this.alerts.written(extra, true);
  }

  private savedMatches(room: Room): boolean {
    const saved = this.savedAt;
    return saved !== null && saved.seq === room.history.seq && saved.cursor === room.source.cursor;
  }

  private async setAlarm(time: number): Promise<void> {
    this.alarmsSet++;
    await this.host.storage.setAlarm(time);
  }

  /** What this instance has cost since it started, for `GET ?stats` and the benchmark. */
  private async stats() {
    const stored = await storedBytes(this.unmetered);
    let subscribers = 0;
    for (const _ of this.host.connections()) subscribers++;
    return {
      since: this.since,
      storageWrites: this.storage.writes,
      alertsArmed: this.alerts.size,
      alertsPending: this.alerts.pending,
      alertsSent: this.alerts.sent,
      alarms: this.alarms,
      alarmsSet: this.alarmsSet,
      ...this.fanout.counts,
      meter: { ...this.meter.counts(), storedBytes: stored },
      subscribers,
      ...this.relays.stats(),
      source: this.room?.source.name ?? null,
    };
  }
}
