/**
 * What a ticker room does, whichever runtime hosts it: one room per symbol, owning the symbol's
 * price history, taking its prices from one source (`sources.ts`), fanning ticks out to its
 * sockets (`fanout.ts`) and keeping storage the truth (`storage.ts`). It works only while
 * watched: no alarm, timer, upstream socket or write while nobody is here.
 *
 * Everything in fields is a cache that `start` rebuilds from storage after a wake-up. The room
 * keeps its symbol in storage, since some runtimes cannot say the room id inside an alarm.
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
import { CLOSE_POLICY, ErrorCode, type IngestReply, type Source } from "../../protocol/index.ts";
import type { FrameWindow } from "../../rate-limit.ts";
import { type Conn, type RoomHost, setting } from "../host.ts";
import { answerFrame, send, sendText } from "./client-frames.ts";
import { type Clock, systemClock } from "./clock.ts";
import { Fanout } from "./fanout.ts";
import { tickerMode } from "./gate.ts";
import { planPush, readPush, Serial } from "./push.ts";
import { type Room, type RoomStart, roomFrame, roomMeta, roomOn, roomSnapshot } from "./room.ts";
import {
  chooseSource,
  createSource,
  feedSource,
  type PriceSource,
  type SourceSink,
} from "./sources.ts";
import { TickerStorage } from "./storage.ts";

export { gateTickerConnect, gateTickerRequest } from "./gate.ts";

/** What a socket carries across hibernation: its rate-limit window. */
export type TickerConnState = FrameWindow;
type TickerConn = Conn<TickerConnState>;

/** While watched, the alarm saves the history and restarts a stopped pump or upstream. */
const ALARM_MS = 1000;

export class TickerCore {
  private room: Room | null = null;
  private readonly storage: TickerStorage;
  private readonly fanout: Fanout<TickerConn>;
  /** Which symbols take real prices (`FEEDS`); a bad setting leaves them simulated, and says so. */
  private readonly feeds: FeedsConfig;
  private readonly settingError: string | undefined;
  private readonly pushes = new Serial();
  private readonly since: number;
  private alarms = 0;
  private alarmsSet = 0;

  private readonly sink: SourceSink = {
    due: () => {
      if (!this.watched()) return;
      this.advance();
      this.watch();
    },
    trades: (ticks, replay) => {
      const room = this.room;
      if (!room) return;
      const fresh = freshTicks(ticks, room.history.last?.[0] ?? null, replay);
      if (fresh.length === 0) return;
      room.history.append(fresh);
      this.fanout.queue(fresh);
    },
    status: (status) => this.fanout.status(status),
  };

  constructor(
    private readonly host: RoomHost<TickerConnState>,
    private readonly clock: Clock = systemClock,
  ) {
    this.storage = new TickerStorage(host.storage);
    this.feeds = parseFeeds(setting(host.env, "FEEDS"));
    this.settingError = this.feeds.ok ? undefined : this.feeds.error;
    if (this.settingError) console.error(this.settingError);
    this.since = clock.now();
    this.fanout = new Fanout<TickerConn>({
      clock,
      sockets: (mode) => host.connections(mode),
      frame: () => this.room && roomFrame(this.room, this.settingError),
      snapshot: (now, mode) => roomSnapshot(this.loaded(), now, mode, this.settingError),
    });
  }

  async start(): Promise<void> {
    const stored = await this.storage.load();
    if (!stored) return;
    const { meta, history } = stored;
    this.fanout.resyncDue = this.watched();
    const { symbol, cursor, lastPushed } = meta;
    const source = chooseSource(meta.source, this.wanted(symbol), false);
    if (source === meta.source) {
      this.room = { symbol, history, lastPushed, source: this.source(source, { symbol, cursor }) };
    } else {
      await this.startOver(source, { symbol, seq: history.seq, lastPushed });
    }
  }

  tags(url: string): string[] {
    return [tickerMode(url)];
  }

  async connect(conn: TickerConn, url: string): Promise<void> {
    conn.setState({ window: 0, frames: 0 });
    if (!this.room) await this.create();
    const now = this.clock.now();
    // Everyone already here must have every tick up to the snapshot before it is taken.
    this.advance(conn);
    this.fanout.flush(conn);
    conn.send(this.fanout.snapshotText(tickerMode(url)));
    if (!this.loaded().source.runsWhileWatched) return;
    this.watch();
    if ((await this.host.storage.getAlarm()) === null) await this.setAlarm(now + ALARM_MS);
  }

  message(conn: TickerConn, data: string | ArrayBuffer | ArrayBufferView): void {
    const { window, answer } = answerFrame(conn.state, data, this.clock.now());
    conn.setState(window);
    if (answer.kind === "close") conn.close(CLOSE_POLICY, "too many frames");
    else if (answer.kind === "reply") send(conn, answer.message);
    else if (this.room) sendText(conn, this.fanout.snapshotText(tickerMode(conn.uri)));
    // A socket that outlived a room whose creation failed has to connect again.
    else send(conn, { type: "error", code: ErrorCode.internal, message: "the room is not ready" });
  }

  async close(conn: TickerConn): Promise<void> {
    answerClose(conn);
    if (this.watched()) return;
    this.unwatch();
    await this.save();
    await this.host.storage.deleteAlarm();
  }

  async alarm(): Promise<void> {
    this.alarms++;
    if (!this.room) return;
    const now = this.clock.now();
    if (!this.watched()) {
      this.unwatch();
      await this.save();
      return;
    }
    this.advance();
    this.fanout.flush();
    await this.save();
    await this.setAlarm(now + ALARM_MS);
    this.watch();
  }

  request(req: Request): Promise<Response> {
    return answered(req, this.respond(req));
  }

  private async respond(req: Request): Promise<Response> {
    try {
      if (req.method === "OPTIONS") return preflight();
      if (req.method === "GET" && new URL(req.url).searchParams.has("stats")) {
        return json(this.stats());
      }
      if (req.method === "GET" || req.method === "HEAD") {
        if (!this.room) await this.create();
        this.advance();
        return jsonText(this.fanout.snapshotText("full"));
      }
      if (req.method === "POST") return await this.pushes.run(() => this.push(req));
      return httpError(
        405,
        ErrorCode.methodNotAllowed,
        "use GET for the snapshot or POST to push ticks",
      );
    } catch (err) {
      return serverError("ticker request", err);
    }
  }

  // -------------------------------------------------------------------------------------------
  // The room and its source

  /** First use of a room: its symbol (the room id, read here, never in an alarm) and history. */
  private async create(): Promise<void> {
    const symbol = this.host.id;
    const source = chooseSource(null, this.wanted(symbol), false);
    await this.startOver(source, { symbol, seq: 0, lastPushed: null });
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
    const step = room.source.advance(this.clock.now());
    if (step.kind === "rebuilt") {
      room.history.reset(step.day.candles, step.day.tail, room.history.seq + step.count);
      this.fanout.resync(except);
      return;
    }
    const ticks = step.kind === "ticks" ? step.ticks : [];
    room.history.append(ticks);
    this.fanout.publish(ticks, except);
  }

  private watch(): void {
    if (this.watched()) this.room?.source.watch(this.sink);
  }

  private unwatch(): void {
    this.room?.source.unwatch();
    this.fanout.stop();
  }

  private watched(): boolean {
    for (const _ of this.host.connections()) return true;
    return false;
  }

  private async save(replaced = false): Promise<void> {
    const room = this.room;
    if (room) await this.storage.save(roomMeta(room), room.history, replaced);
  }

  private async setAlarm(time: number): Promise<void> {
    this.alarmsSet++;
    await this.host.storage.setAlarm(time);
  }

  /** What this instance has cost since it started, for `GET ?stats` and the benchmark. */
  private stats() {
    let subscribers = 0;
    for (const _ of this.host.connections()) subscribers++;
    return {
      since: this.since,
      storageWrites: this.storage.writes,
      alarms: this.alarms,
      alarmsSet: this.alarmsSet,
      ...this.fanout.counts,
      subscribers,
      source: this.room?.source.name ?? null,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Push ingest

  private async push(req: Request): Promise<Response> {
    const read = await readPush(req, this.host.env);
    if (!read.ok) return read.refusal;
    const before = this.room;
    const symbol = before?.symbol ?? this.host.id;
    const now = this.clock.now();
    const plan = planPush(before, read.body, {
      symbol,
      wanted: this.wanted(symbol),
      pushSource: () => this.source("push", { symbol, cursor: now }),
      now,
    });
    if (!plan.ok) return plan.refusal;
    if (plan.switching) this.replace(plan.next);
    else this.room = plan.next;
    try {
      await this.save(plan.switching);
    } catch (err) {
      // Not stored, so not acknowledged.
      this.room = before;
      throw err;
    }
    if (plan.switching) this.fanout.resync();
    else this.fanout.queue(plan.ticks);
    return json({ accepted: plan.ticks.length, seq: plan.next.history.seq } satisfies IngestReply);
  }
}
