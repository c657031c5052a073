/**
 * TickerRoom: one hibernating room per symbol. It owns the symbol's price history, and takes
 * its prices from one source: the simulator (driven only while somebody watches), an exchange
 * socket that `FEEDS` names (open only while somebody watches), or pushed ticks. It fans ticks
 * out to subscribers in frames whose size adapts to the room's load.
 *
 * Storage is the truth: `meta` (symbol, source, seq, simulator cursor, last pushed time),
 * `tail` (recent ticks) and one `c:<hour>` chunk of candles per hour. Everything in fields is a
 * cache rebuilt by `load()` after a wake-up.
 */
import type * as Party from "partykit/server";
import {
  answerClose,
  answered,
  decodeRoomId,
  httpError,
  json,
  jsonText,
  preflight,
  readBody,
  safeEqual,
  serverError,
} from "./http.ts";
import { frameDelay, frameWindow } from "./market/fanout.ts";
import { parseFeeds, providerFor } from "./market/feeds.ts";
import { chunkHour, chunkKey, History, isChunkKey, sparkline } from "./market/history.ts";
import { checkIngest } from "./market/ingest.ts";
import { EXCHANGES, freshTicks } from "./market/providers/registry.ts";
import type { ExchangeAdapter } from "./market/providers/types.ts";
import { Simulator } from "./market/simulator.ts";
import {
  type Candle,
  CLOSE_POLICY,
  checkSymbol,
  ErrorCode,
  type IngestReply,
  LIMITS,
  PROTOCOL_VERSION,
  parseFrame,
  type Quote,
  type Snapshot,
  type Source,
  type Tick,
  TickerClientMessageSchema,
  type TickerServerMessage,
} from "./protocol/index.ts";
import { countFrame, type FrameWindow, RATE_LIMITED_MESSAGE } from "./rate-limit.ts";
import { Upstream, type UpstreamStatus } from "./upstream.ts";

type Meta = {
  symbol: string;
  source: Source;
  seq: number;
  /** Simulated rooms: every tick up to this time is in the history. */
  cursor: number;
  /** Time of the last pushed tick; pushes may not go back before it. */
  lastPushed: number | null;
};

type Mode = "full" | "quote";
/** Per-connection state (it survives hibernation): the rate-limit window. */
type ConnState = FrameWindow;

/** While watched, the alarm flushes history to storage and restarts a stopped pump. */
const ALARM_MS = 1000;
/** A catch-up larger than this is sent as a fresh snapshot rather than one huge frame. */
const CATCH_UP_FRAME_LIMIT = 2000;
/** Serialised snapshots are reused for this long while nothing changes. */
const SNAPSHOT_CACHE_MS = 250;
/** What a quote-mode snapshot carries: an hour of candles and the last few ticks. */
const QUOTE_MODE_CANDLES = 60;
const QUOTE_MODE_TICKS = 20;

export default class TickerRoom implements Party.Server {
  readonly options = { hibernate: true };

  private meta: Meta | null = null;
  private history = new History();
  private sim: Simulator | null = null;
  /** Rooms fed by an exchange: its adapter, the product, and the socket while watched. */
  private feed: { adapter: ExchangeAdapter; product: string } | null = null;
  private upstream: Upstream | null = null;
  private feedStatus: UpstreamStatus | null = null;
  private storedHours = new Set<number>();
  /** Set after a load with sockets already open: they get a fresh snapshot first. */
  private resync = false;

  private pending: Tick[] = [];
  private lastFrameAt = 0;
  /** Sockets the last frame went to: how long the next ticks may wait to share a frame. */
  private fullSubscribers = 0;
  /** What this instance has cost since it started, for `GET ?stats` and the benchmark. */
  private readonly stats = {
    since: Date.now(),
    storageWrites: 0,
    alarms: 0,
    alarmsSet: 0,
    frames: 0,
    sends: 0,
    ticks: 0,
  };
  private frameTimer: ReturnType<typeof setTimeout> | null = null;
  private pumpTimer: ReturnType<typeof setTimeout> | null = null;
  private lastQuoteAt = 0;
  private quoteDirty = false;
  private quoteTimer: ReturnType<typeof setTimeout> | null = null;
  private snapshotCache: Partial<Record<Mode, { seq: number; at: number; text: string }>> = {};
  private pushQueue: Promise<unknown> = Promise.resolve();

  /** Which symbols take real prices (`FEEDS`); a bad setting leaves them simulated, and says so. */
  private readonly feeds: ReturnType<typeof parseFeeds>;

  constructor(readonly room: Party.Room) {
    this.feeds = parseFeeds(stringVar(room.env.FEEDS));
    if (!this.feeds.ok) console.error(this.feeds.error);
  }

  static onBeforeConnect(req: Party.Request, lobby: Party.Lobby): Party.Request | Response {
    const refused = refuseRoomId(lobby.id);
    if (refused) return refused;
    const mode = new URL(req.url).searchParams.get("mode");
    if (mode !== null && mode !== "quote" && mode !== "full") {
      return httpError(
        400,
        ErrorCode.badRequest,
        `mode must be "quote" or left out, not "${mode.slice(0, 16)}"`,
      );
    }
    return req;
  }

  static onBeforeRequest(req: Party.Request, lobby: Party.Lobby): Party.Request | Response {
    return refuseRoomId(lobby.id) ?? req;
  }

  async onStart(): Promise<void> {
    await this.room.blockConcurrencyWhile(() => this.load());
  }

  getConnectionTags(_conn: Party.Connection, ctx: Party.ConnectionContext): string[] {
    return [modeOf(ctx.request.url)];
  }

  async onConnect(conn: Party.Connection<ConnState>, ctx: Party.ConnectionContext): Promise<void> {
    conn.setState({ window: 0, frames: 0 });
    if (!this.meta) await this.create(this.room.id);
    const now = Date.now();
    // Everyone already here must have every tick up to the snapshot before it is taken.
    this.advance(now, conn);
    this.flushFrame(conn);
    conn.send(this.snapshotText(now, modeOf(ctx.request.url)));
    if (this.meta?.source === "push") return;
    this.schedulePump(now);
    this.startUpstream();
    if ((await this.room.storage.getAlarm()) === null) {
      await this.setAlarm(now + ALARM_MS);
    }
  }

  onMessage(
    message: string | ArrayBuffer | ArrayBufferView,
    sender: Party.Connection<ConnState>,
  ): void {
    const now = Date.now();
    const { next, verdict } = countFrame(sender.state, now);
    sender.setState(next);
    if (verdict === "close") {
      sender.close(CLOSE_POLICY, "too many frames");
      return;
    }
    if (verdict === "limited") {
      send(sender, { type: "error", code: ErrorCode.rateLimited, message: RATE_LIMITED_MESSAGE });
      return;
    }
    const parsed = parseFrame(TickerClientMessageSchema, message);
    if (!parsed.ok) {
      send(sender, { type: "error", code: parsed.code, message: parsed.message });
      return;
    }
    const msg = parsed.value;
    if (msg.type === "resync") {
      sender.send(this.snapshotText(now, modeOf(sender.uri)));
      return;
    }
    send(sender, {
      type: "pong",
      ...(msg.ref === undefined ? {} : { ref: msg.ref }),
      serverTime: now,
    });
  }

  async onClose(conn: Party.Connection): Promise<void> {
    answerClose(conn);
    if (this.hasSubscribers()) return;
    this.stopTimers();
    this.stopUpstream();
    this.flushFrame();
    await this.flush();
    await this.room.storage.deleteAlarm();
  }

  async onError(conn: Party.Connection): Promise<void> {
    await this.onClose(conn);
  }

  async onAlarm(): Promise<void> {
    this.stats.alarms++;
    if (!this.meta) return;
    const now = Date.now();
    if (this.hasSubscribers()) {
      this.advance(now);
      this.flushFrame();
      await this.flush();
      await this.setAlarm(now + ALARM_MS);
      this.schedulePump(now);
      this.startUpstream();
    } else {
      this.stopTimers();
      this.stopUpstream();
      await this.flush();
    }
  }

  onRequest(req: Party.Request): Promise<Response> {
    return answered(req, this.respond(req));
  }

  private async respond(req: Party.Request): Promise<Response> {
    try {
      if (req.method === "OPTIONS") return preflight();
      if (req.method === "GET" && new URL(req.url).searchParams.has("stats")) {
        let subscribers = 0;
        for (const _ of this.room.getConnections()) subscribers++;
        return json({ ...this.stats, subscribers, source: this.meta?.source ?? null });
      }
      if (req.method === "GET" || req.method === "HEAD") {
        if (!this.meta) await this.create(this.room.id);
        const now = Date.now();
        this.advance(now);
        return jsonText(this.snapshotText(now, "full"));
      }
      if (req.method === "POST") return await this.enqueuePush(req);
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
  // Loading and creating

  private async load(): Promise<void> {
    const meta = await this.room.storage.get<Meta>("meta");
    if (!meta) return;
    const [tail, chunks] = await Promise.all([
      this.room.storage.get<Tick[]>("tail"),
      this.room.storage.list<Candle[]>({ prefix: "c:" }),
    ]);
    this.meta = meta;
    this.storedHours = new Set([...chunks.keys()].map(chunkHour));
    this.history = new History(History.candlesFromChunks(chunks), tail ?? [], meta.seq);
    this.history.trim();
    this.resync = this.hasSubscribers();
    // `FEEDS` may have changed since the room last ran; pushed prices stay what they are.
    const wanted = this.wantedSource(meta.symbol);
    if (meta.source !== "push" && meta.source !== wanted) await this.switchSource(wanted);
    else this.adoptSource(meta.source);
  }

  /** First use of a room: store its symbol (alarms cannot read the room id) and its history. */
  private async create(symbol: string): Promise<void> {
    this.meta = { symbol, source: "sim", seq: 0, cursor: Date.now(), lastPushed: null };
    await this.switchSource(this.wantedSource(symbol));
  }

  /** `sim`, or the exchange `FEEDS` names for this symbol. */
  private wantedSource(symbol: string): Source {
    return (this.feeds.ok && providerFor(symbol, this.feeds.rules)) || "sim";
  }

  /**
   * Starts the room over on another source: a room never mixes prices from two. The counter
   * carries on; the history is dropped (a simulated room backfills its day at once), and the
   * new state is stored in one batch before anyone is told.
   */
  private async switchSource(source: Source): Promise<void> {
    const meta = this.meta as Meta;
    const now = Date.now();
    this.stopTimers();
    this.stopUpstream();
    this.pending = [];
    const dropped = [...this.storedHours].map(chunkKey);
    this.storedHours = new Set();
    const seq = this.history.seq;
    this.history = new History([], [], seq);
    if (source === "sim") {
      const day = new Simulator(meta.symbol).history(
        now - LIMITS.historyMs,
        now,
        LIMITS.snapshotTicks,
      );
      this.history.reset(day.candles, day.tail, seq + day.count);
    }
    meta.source = source;
    meta.cursor = now;
    this.adoptSource(source);
    await this.flush(dropped);
  }

  private adoptSource(source: Source): void {
    const meta = this.meta as Meta;
    this.sim = source === "sim" ? new Simulator(meta.symbol) : null;
    const adapter = EXCHANGES[source as keyof typeof EXCHANGES] as ExchangeAdapter | undefined;
    const product = adapter?.product(meta.symbol) ?? null;
    this.feed = adapter && product ? { adapter, product } : null;
    this.feedStatus =
      adapter && !product
        ? { status: `refused: ${adapter.name} has no market for ${meta.symbol}`, stale: true }
        : null;
  }

  // -------------------------------------------------------------------------------------------
  // The simulator pump: emits each simulated tick at its time while somebody watches

  /** Brings a simulated room up to `now`, publishing what it made to everyone but `except`. */
  private advance(now: number, except?: Party.Connection): void {
    const meta = this.meta;
    const sim = this.sim;
    if (!meta || !sim || now <= meta.cursor) {
      if (this.resync) this.resyncAll(now, except);
      return;
    }
    const gap = now - meta.cursor;
    if (gap > 10 * 60_000) {
      // Long idle: rebuild the day from the simulator instead of walking every tick.
      const count = sim.countBetween(meta.cursor, now);
      const day = sim.history(now - LIMITS.historyMs, now, LIMITS.snapshotTicks);
      this.history.reset(day.candles, day.tail, this.history.seq + count);
      meta.cursor = now;
      this.resyncAll(now, except);
      return;
    }
    const ticks = sim.ticksBetween(meta.cursor, now);
    meta.cursor = now;
    if (ticks.length === 0) {
      if (this.resync) this.resyncAll(now, except);
      return;
    }
    this.history.append(ticks);
    if (this.resync || ticks.length > CATCH_UP_FRAME_LIMIT) {
      this.resyncAll(now, except);
      return;
    }
    this.queueTicks(ticks, now, except);
  }

  private schedulePump(now: number): void {
    if (this.pumpTimer || !this.sim || !this.meta) return;
    const next = this.sim.nextTickTime(this.meta.cursor);
    this.pumpTimer = setTimeout(this.pump, Math.max(0, next - now));
  }

  private pump = (): void => {
    this.pumpTimer = null;
    if (!this.hasSubscribers()) return;
    const now = Date.now();
    this.advance(now);
    this.schedulePump(now);
  };

  // -------------------------------------------------------------------------------------------
  // Fan-out

  /** Ticks already in the history wait here for the next frame. */
  private queueTicks(ticks: readonly Tick[], now: number, except?: Party.Connection): void {
    for (const t of ticks) this.pending.push(t);
    this.stats.ticks += ticks.length;
    const delay = frameDelay(now, this.lastFrameAt, frameWindow(this.fullSubscribers));
    if (except || delay === 0) {
      this.flushFrame(except);
    } else if (!this.frameTimer) {
      this.frameTimer = setTimeout(() => this.flushFrame(), delay);
    }
  }

  /** Sends pending ticks as one frame, serialised once, to every full subscriber. */
  private flushFrame(except?: Party.Connection): void {
    if (this.frameTimer) {
      clearTimeout(this.frameTimer);
      this.frameTimer = null;
    }
    const meta = this.meta;
    const quote = this.currentQuote();
    if (this.pending.length === 0 || !meta || !quote) return;
    const text = JSON.stringify({
      type: "ticks",
      symbol: meta.symbol,
      seq: this.history.seq,
      ticks: this.pending,
      quote,
    } satisfies TickerServerMessage);
    this.pending = [];
    const now = Date.now();
    this.lastFrameAt = now;
    const sent = broadcast(this.room.getConnections("full"), text, except);
    this.fullSubscribers = sent + (except ? 1 : 0);
    this.stats.frames++;
    this.stats.sends += sent;
    this.quoteDirty = true;
    this.sendQuote(now, except);
  }

  /** Quote subscribers get at most one frame a second, and only when something changed. */
  private sendQuote(now: number, except?: Party.Connection): void {
    if (!this.quoteDirty || this.quoteTimer) return;
    const wait = this.lastQuoteAt + LIMITS.quoteIntervalMs - now;
    if (wait > 0) {
      this.quoteTimer = setTimeout(() => {
        this.quoteTimer = null;
        this.sendQuote(Date.now());
      }, wait);
      return;
    }
    const meta = this.meta;
    const quote = this.currentQuote();
    if (!meta || !quote) return;
    this.quoteDirty = false;
    this.lastQuoteAt = now;
    const text = JSON.stringify({
      type: "quote",
      symbol: meta.symbol,
      seq: this.history.seq,
      quote,
      ...this.statusField(),
    } satisfies TickerServerMessage);
    broadcast(this.room.getConnections("quote"), text, except);
  }

  /** Everyone but `except` starts over from a fresh snapshot (after a wake-up, a source switch). */
  private resyncAll(now: number, except?: Party.Connection): void {
    this.resync = false;
    this.pending = [];
    broadcast(this.room.getConnections("full"), this.snapshotText(now, "full"), except);
    broadcast(this.room.getConnections("quote"), this.snapshotText(now, "quote"), except);
  }

  /**
   * The snapshot as sent, serialised once per change and mode. Quote-mode subscribers (rows and
   * tiles) get the last hour of candles, the last few ticks and a day's sparkline instead of the
   * whole day, which keeps a 50-row watchlist from loading megabytes.
   */
  private snapshotText(now: number, mode: Mode): string {
    const cached = this.snapshotCache[mode];
    if (cached && cached.seq === this.history.seq && now - cached.at < SNAPSHOT_CACHE_MS) {
      return cached.text;
    }
    const meta = this.meta as Meta;
    const full = mode === "full";
    const snapshot: Snapshot = {
      type: "snapshot",
      v: PROTOCOL_VERSION,
      symbol: meta.symbol,
      source: meta.source,
      seq: this.history.seq,
      serverTime: now,
      quote: this.currentQuote(),
      candles: full ? this.history.candles : this.history.candles.slice(-QUOTE_MODE_CANDLES),
      ticks: full ? this.history.recentTicks() : this.history.tail.slice(-QUOTE_MODE_TICKS),
      ...this.statusField(),
      ...(full ? {} : { spark: sparkline(this.history.candles) }),
    };
    const text = JSON.stringify(snapshot);
    this.snapshotCache[mode] = { seq: this.history.seq, at: now, text };
    return text;
  }

  /** The session quote, marked stale while the room's feed is quiet or down. */
  private currentQuote(): Quote | null {
    const quote = this.history.quote(this.volumeDecimals());
    return quote && this.feedStatus?.stale ? { ...quote, stale: true } : quote;
  }

  /** A readable word on the feed (or on a `FEEDS` setting that could not be read). */
  private statusField(): { status?: string } {
    if (this.feedStatus) return { status: this.feedStatus.status };
    if (this.feed) return { status: "connecting" };
    return this.feeds.ok ? {} : { status: this.feeds.error };
  }

  // -------------------------------------------------------------------------------------------
  // Exchange feeds: the upstream socket is open only while somebody watches

  private startUpstream(): void {
    const feed = this.feed;
    if (!feed || this.upstream || !this.hasSubscribers()) return;
    const base = stringVar(this.room.env[feed.adapter.urlEnv]) ?? feed.adapter.defaultUrl;
    this.upstream = new Upstream(feed.adapter, feed.product, base, {
      ticks: (ticks, replay) => this.onFeedTicks(ticks, replay),
      status: (status) => this.onFeedStatus(status),
    });
    this.upstream.start();
  }

  private stopUpstream(): void {
    this.upstream?.stop();
    this.upstream = null;
  }

  private onFeedTicks(ticks: Tick[], replay: boolean): void {
    const fresh = freshTicks(ticks, this.history.last?.[0] ?? null, replay);
    if (fresh.length === 0) return;
    this.history.append(fresh);
    this.queueTicks(fresh, Date.now());
  }

  /** Everyone learns at once when the feed goes quiet, drops or comes back. */
  private onFeedStatus(status: UpstreamStatus): void {
    this.feedStatus = status;
    this.snapshotCache = {};
    const meta = this.meta;
    if (!meta) return;
    const text = JSON.stringify({
      type: "status",
      symbol: meta.symbol,
      status: status.status,
      stale: status.stale,
    } satisfies TickerServerMessage);
    broadcast(this.room.getConnections(), text);
    this.quoteDirty = true;
    this.sendQuote(Date.now());
  }

  private async setAlarm(time: number): Promise<void> {
    this.stats.alarmsSet++;
    await this.room.storage.setAlarm(time);
  }

  private hasSubscribers(): boolean {
    for (const _ of this.room.getConnections()) return true;
    return false;
  }

  private stopTimers(): void {
    for (const timer of [this.pumpTimer, this.frameTimer, this.quoteTimer]) {
      if (timer) clearTimeout(timer);
    }
    this.pumpTimer = this.frameTimer = this.quoteTimer = null;
  }

  private volumeDecimals(): number {
    return this.sim?.spec.sizeDecimals ?? 8;
  }

  // -------------------------------------------------------------------------------------------
  // Storage

  /**
   * Writes what changed as one atomic batch (the writes are issued without an await between
   * them, so the runtime commits them together): meta, the tick tail, the touched hours, and
   * the removal of hours that fell out of the window plus any `drop`ped keys.
   */
  private async flush(drop: string[] = []): Promise<void> {
    const meta = this.meta;
    if (!meta) return;
    const firstHour = this.history.trim();
    const entries: Record<string, unknown> = this.history.takeDirtyChunks();
    meta.seq = this.history.seq;
    entries.meta = meta;
    entries.tail = this.history.recentTicks();
    const staleHours = [...this.storedHours].filter((h) => h < firstHour);
    for (const hour of staleHours) this.storedHours.delete(hour);
    for (const key of Object.keys(entries))
      if (isChunkKey(key)) this.storedHours.add(chunkHour(key));
    const removed = [...drop.filter((key) => !(key in entries)), ...staleHours.map(chunkKey)];
    const writes = [this.room.storage.put(entries)];
    if (removed.length > 0) writes.push(this.room.storage.delete(removed).then(() => undefined));
    this.stats.storageWrites += writes.length;
    await Promise.all(writes);
  }

  // -------------------------------------------------------------------------------------------
  // Push ingest

  /** Pushes run one at a time, so that each is checked against the one before it. */
  private enqueuePush(req: Party.Request): Promise<Response> {
    const run = this.pushQueue.then(() => this.push(req));
    this.pushQueue = run.catch(() => undefined);
    return run;
  }

  private async push(req: Party.Request): Promise<Response> {
    const text = await readBody(req, LIMITS.pushBytes);
    const token = this.room.env.INGEST_TOKEN;
    if (typeof token !== "string" || token === "") {
      return httpError(
        403,
        ErrorCode.forbidden,
        "pushes are switched off: the server has no INGEST_TOKEN",
      );
    }
    const auth = req.headers.get("authorization") ?? "";
    if (!safeEqual(auth, `Bearer ${token}`)) {
      return httpError(
        401,
        ErrorCode.unauthorized,
        "pushes need the header Authorization: Bearer <INGEST_TOKEN>",
      );
    }
    if (text === null) {
      return httpError(413, ErrorCode.tooLarge, `the body is over ${LIMITS.pushBytes} bytes`);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return httpError(400, ErrorCode.badRequest, "the body is not valid JSON");
    }
    if (!this.meta) await this.create(this.room.id);
    const meta = this.meta as Meta;
    if (this.feed || this.feedStatus) {
      return httpError(
        409,
        ErrorCode.conflict,
        `${meta.symbol} takes its prices from ${meta.source} (FEEDS); a room never mixes sources`,
      );
    }
    const checked = checkIngest(body, meta.lastPushed);
    if (!checked.ok) return httpError(400, ErrorCode.badRequest, checked.message);

    const ticks = checked.ticks;
    const switching = meta.source !== "push";
    const before = {
      meta: { ...meta },
      history: this.history,
      storedHours: this.storedHours,
      sim: this.sim,
    };
    if (switching) {
      // A room never mixes sources: the simulated history goes, the counter carries on.
      this.sim = null;
      this.stopTimers();
      this.pending = [];
      this.history = new History([], [], this.history.seq);
      meta.source = "push";
    }
    this.history.append(ticks);
    meta.lastPushed = (ticks[ticks.length - 1] as Tick)[0];
    const dropped = switching ? [...before.storedHours].map(chunkKey) : [];
    if (switching) this.storedHours = new Set();
    try {
      await this.flush(dropped);
    } catch (err) {
      // Not stored, so not acknowledged: put the room back as it was.
      this.meta = before.meta;
      this.history = before.history;
      this.storedHours = before.storedHours;
      this.sim = before.sim;
      throw err;
    }
    if (switching) this.adoptSource("push");
    const now = Date.now();
    if (switching) this.resyncAll(now);
    else this.queueTicks(ticks, now);
    return json({ accepted: ticks.length, seq: this.history.seq } satisfies IngestReply);
  }
}

/** A 400 for anything but a canonical symbol, before any room is created. */
function refuseRoomId(id: string): Response | null {
  const decoded = decodeRoomId(id);
  const check = decoded === null ? null : checkSymbol(decoded);
  if (check?.ok) return null;
  return httpError(
    400,
    ErrorCode.badSymbol,
    check ? check.message : "the symbol in the URL is not valid percent-encoding",
  );
}

function stringVar(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function modeOf(url: string): Mode {
  return new URL(url).searchParams.get("mode") === "quote" ? "quote" : "full";
}

function send(conn: Party.Connection, message: TickerServerMessage): void {
  try {
    conn.send(JSON.stringify(message));
  } catch {
    // The socket closed under us; its close handler does the rest.
  }
}

/** Sends one serialised frame to each connection; returns how many it went to. */
function broadcast(
  conns: Iterable<Party.Connection>,
  text: string,
  except?: Party.Connection,
): number {
  let sent = 0;
  for (const conn of conns) {
    if (conn === except) continue;
    try {
      conn.send(text);
      sent++;
    } catch {
      // As above: a socket that is closing is not an error of the room.
    }
  }
  return sent;
}
