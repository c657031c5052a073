/**
 * What a ticker room does, whichever runtime hosts it: one room per symbol, owning the symbol's
 * price history, taking its prices from one source (`sources.ts`), fanning ticks out to its
 * sockets (`fanout.ts`) and keeping storage the truth (`storage.ts`). It works only while
 * watched: no alarm, timer, upstream socket or write while nobody is here.
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
  bodyRefusal,
  httpError,
  json,
  jsonText,
  preflight,
  readBody,
  serverError,
} from "../../http.ts";
import { type FeedsConfig, parseFeeds } from "../../market/feeds.ts";
import { freshTicks } from "../../market/providers/registry.ts";
import type { Session } from "../../market/quote.ts";
import { DAY_MS, type Simulator } from "../../market/simulator.ts";
import { CLOSE_POLICY, ErrorCode, LIMITS, type Source, type Tick } from "../../protocol/index.ts";
import { FRESH_WINDOW, type FrameWindow } from "../../rate-limit.ts";
import {
  ALERTS_QUERY,
  AlertSetSchema,
  isInternal,
  LINK_BODY_BYTES,
  parseLinkBody,
} from "../alert-link.ts";
import { clientKey, clientTag, mayCreate, NEEDS_CREATE_STATUS } from "../edge-headers.ts";
import { type Conn, type RoomHost, type RoomStorage, setting } from "../host.ts";
import { Meter, meteredHost, storedBytes } from "../meter.ts";
import { RelayDesk, type RelayState } from "../relay/desk.ts";
import { parseRelayFrame, RELAY_TAG, relayShardOf, toRelay } from "../relay/link.ts";
import { socketsHeld, tooManySockets } from "../socket-cap.ts";
import { type AlertRoom, TickerAlerts } from "./alerts.ts";
import { answerFrame, send, sendText } from "./client-frames.ts";
import { type Clock, systemClock } from "./clock.ts";
import { Fanout } from "./fanout.ts";
import { tickerMode } from "./gate.ts";
import { planPush, pushReply, readPushBody, refuseIngestAuth, Serial } from "./push.ts";
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
  simulatorFor,
} from "./sources.ts";
import { TickerStorage } from "./storage.ts";

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
/**
 * While alerts are armed in a simulated room nobody watches, its alarm walks the simulator's
 * ticks this often: nothing else runs there.
 */
export const ALERT_WALK_MS = 30_000;
/** A walk never goes further back than this (a room that was down for longer starts over). */
const ALERT_WALK_MAX_MS = DAY_MS;

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
  /** The room's own sockets and its relays, and where a new socket goes. */
  private readonly relays: RelayDesk<TickerConnState>;
  /** The simulator, for walking ticks without the room; made when first needed. */
  private sim: Simulator | null = null;
  /** What the last save stored, so that an idle alarm need not store it again. */
  private savedAt: { seq: number; cursor: number } | null = null;
  /** The pending save of a watched room (`saveSoon`). */
  private saveTimer: unknown = null;

  private readonly alertRoom: AlertRoom = {
    priceAt: (time) => this.priceAt(time),
    resume: (cursor) => {
      const sim = this.simulator();
      if (sim) return cursor === null ? null : sim.lastTickAt(cursor)[1];
      return this.room?.history.last?.[1] ?? null;
    },
  };

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
    this.alerts = new TickerAlerts(host as RoomHost<unknown>, clock, () => this.alertAlarm());
    this.fanout = new Fanout<TickerConn>({
      clock,
      sockets: (mode) => host.connections(mode),
      frame: () => this.room && roomFrame(this.room, clock.now(), this.settingError),
      snapshot: (now, mode) => roomSnapshot(this.loaded(), now, mode, this.settingError),
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
    await this.alerts.load(this.alertRoom);
    if (this.alerts.size === 0 && !this.alerts.busy) return;
    // Firings stored before a restart go out again; the list answers a repeat as a duplicate.
    void this.alerts.deliver();
    await this.alertAlarm();
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
    if (this.alertWakeAt() !== null) await this.alertAlarm(true);
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
    if (!watched && this.walkAlerts(now)) void this.alerts.commit();
    await this.alerts.alarm(now);
    await this.alertAlarm();
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
        return await this.applyAlerts(req);
      }
      if (req.method === "POST") return await this.push(req);
      if (req.method === "DELETE") return await this.reset(req);
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
      if (this.walkAlerts(now)) void this.alerts.commit();
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
        ? this.walkAlerts(now)
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

  // -------------------------------------------------------------------------------------------
  // Shared alerts

  /**
   * `POST ?alerts`, from a list room only (`alert-link.ts`): that list's armed set on this
   * symbol, applied once every tick up to now is evaluated, and stored before it is answered.
   * It creates no room: a symbol nobody watches keeps only its alerts.
   */
  private async applyAlerts(req: Request): Promise<Response> {
    if (!isInternal(req)) {
      return httpError(403, ErrorCode.forbidden, "armed alert sets come from list rooms only");
    }
    let text: string | null;
    try {
      text = await readBody(req, LINK_BODY_BYTES);
    } catch (err) {
      const refusal = bodyRefusal(err);
      if (refusal) return refusal;
      throw err;
    }
    const body = parseLinkBody(AlertSetSchema, text);
    if (!body.ok) return httpError(body.status, body.code, body.message);
    return this.pushes.run(async () => {
      const symbol = this.room?.symbol ?? this.host.id;
      const now = this.clock.now();
      if (this.watched() && this.room) this.advance();
      else if (this.walkAlerts(now, symbol)) void this.alerts.commit();
      const answer = await this.alerts.apply(body.value, symbol, this.alertRoom);
      void this.alerts.commit();
      await this.alertAlarm();
      return answer;
    });
  }

  /**
   * Evaluates the simulator's ticks since the last evaluation, for a simulated room whose own
   * pump is not running (nobody watches) or was not advanced tick by tick. True when something
   * fired. A room on another source has nothing to walk.
   */
  private walkAlerts(now: number, symbol?: string): boolean {
    const sim = this.simulator(symbol);
    if (!sim) return false;
    if (this.alerts.size === 0 || this.alerts.cursor === null) {
      return this.alerts.evaluate([], null, now, true);
    }
    const from = Math.max(this.alerts.cursor, now - ALERT_WALK_MAX_MS);
    if (from >= now) return false;
    const ticks = sim.ticksBetween(from, now);
    return this.alerts.evaluate(ticks, simSession(sim, from), now, true);
  }

  /** The simulator of a simulated room (loaded or not); null for any other source. */
  private simulator(symbolHint?: string): Simulator | null {
    const symbol = this.room?.symbol ?? this.alerts.symbol ?? symbolHint;
    if (symbol === undefined || symbol === null) return null;
    const source = this.room?.source.name ?? this.wanted(symbol);
    if (source !== "sim") return null;
    this.sim ??= simulatorFor(symbol, this.host.env);
    return this.sim;
  }

  /** The symbol's price at or before `time`: the simulator's, or the room's history. */
  private priceAt(time: number): number | null {
    const sim = this.simulator();
    if (sim) return sim.lastTickAt(time)[1];
    const history = this.room?.history;
    if (!history) return null;
    const ticks = history.recentTicks();
    for (let i = ticks.length - 1; i >= 0; i--) {
      const tick = ticks[i] as Tick;
      if (tick[0] <= time) return tick[1];
    }
    return history.last?.[1] ?? null;
  }

  /**
   * When the alerts need the room to wake: a due retry of the outbox, and, in a simulated room
   * nobody watches, the next walk. Null when they need nothing.
   */
  private alertWakeAt(): number | null {
    let at = this.alerts.retryTime();
    if (this.alerts.size > 0 && !this.watched() && this.simulator() !== null) {
      const walk = this.clock.now() + ALERT_WALK_MS;
      at = at === null ? walk : Math.min(at, walk);
    }
    return at;
  }

  /** Sets the alarm the alerts need, unless an earlier one is set (`replace`: whatever is set). */
  private async alertAlarm(replace = false): Promise<void> {
    const at = this.alertWakeAt();
    if (at === null) return;
    const current = replace ? null : await this.host.storage.getAlarm();
    if (current === null || current > at) await this.setAlarm(at);
  }

  // -------------------------------------------------------------------------------------------
  // Push ingest

  /**
   * The token is checked from the headers and the body read, with its deadline, before the push
   * joins the queue: a slow or unauthorised request holds only itself. The queue checks each
   * push against the one before, stores it and fans it out.
   */
  private async push(req: Request): Promise<Response> {
    const refused = refuseIngestAuth(req, this.host.env);
    if (refused) return refused;
    const read = await readPushBody(req);
    if (!read.ok) return read.refusal;
    return this.pushes.run(() => this.applyPush(read.body));
  }

  private async applyPush(body: unknown): Promise<Response> {
    const before = this.room;
    const symbol = before?.symbol ?? this.host.id;
    const now = this.clock.now();
    const plan = planPush(before, body, {
      symbol,
      wanted: this.wanted(symbol),
      pushSource: () => this.source("push", { symbol, cursor: now }),
      now,
    });
    if (!plan.ok) return plan.refusal;
    // Alerts are evaluated on the pushed ticks before the write, and their firings stored in
    // the same batch as the ticks: acknowledged, a push has fired what it crossed.
    const undo = this.alerts.size > 0 ? this.alerts.checkpoint() : null;
    const session = plan.switching ? null : sessionCopy(before?.history.session ?? null);
    // Candles are history, not trades: only the pushed ticks cross alert levels.
    const upTo = plan.ticks.at(-1)?.[0];
    const fired = upTo !== undefined && this.alerts.evaluate(plan.ticks, session, upTo, false);
    if (plan.switching) this.replace(plan.next);
    else this.room = plan.next;
    const extra = this.alerts.takeWrites();
    try {
      await this.save(plan.switching, extra);
    } catch (err) {
      // Not stored, so not acknowledged.
      this.room = before;
      if (undo !== null) this.alerts.restore(undo);
      else this.alerts.written(extra, false);
      throw err;
    }
    this.alerts.written(extra, true);
    if (fired) void this.alerts.deliver();
    this.stored = true;
    // Candles change the day under the same `seq`: everyone gets the room again.
    if (plan.switching || plan.candles.length > 0) {
      this.fanout.invalidate();
      this.fanout.resync();
    } else this.fanout.queue(plan.ticks);
    return json(pushReply(plan));
  }

  /**
   * `DELETE`: a pushed room drops its pushed history and starts over on the source it would
   * have without pushes (the simulator, or its `FEEDS` exchange), the counter carrying on;
   * watchers get a fresh snapshot. Any other room is already on that source.
   */
  private async reset(req: Request): Promise<Response> {
    const refused = refuseIngestAuth(req, this.host.env);
    if (refused) return refused;
    return this.pushes.run(async () => {
      const before = this.room;
      if (this.stored && before?.source.name === "push") {
        const { symbol } = before;
        try {
          await this.startOver(this.wanted(symbol), {
            symbol,
            seq: before.history.seq,
            lastPushed: null,
          });
        } catch (err) {
          this.replace(before);
          throw err;
        }
        this.fanout.resync();
        this.runWhileWatched();
      }
      return new Response(null, { status: 204 });
    });
  }
}

/** A copy of the session before a batch (the history moves it on as it appends). */
function sessionCopy(session: Session | null): Session | null {
  return session && { ...session };
}

/** The session a walk of the simulator starts from: the UTC day of `from`, as `dayChangeOf` reads it. */
function simSession(sim: Simulator, from: number): Session {
  const day = Math.floor(from / DAY_MS);
  const [time, price] = sim.lastTickAt(from);
  const prevClose = sim.lastTickAt(day * DAY_MS - 1)[1];
  return { day, open: price, high: price, low: price, prevClose, volume: 0, price, time };
}
