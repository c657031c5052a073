/**
 * TickerRoom: one hibernating room per symbol. It owns the symbol's price history, drives the
 * simulator while somebody watches, takes pushed ticks, and fans ticks out to subscribers.
 *
 * Storage is the truth: `meta` (symbol, source, seq, simulator cursor, last pushed time),
 * `tail` (recent ticks) and one `c:<hour>` chunk of candles per hour. Everything in fields is a
 * cache rebuilt by `load()` after a wake-up.
 */
import type * as Party from "partykit/server";
import { decodeRoomId, httpError, json, jsonText, preflight, readBody, safeEqual } from "./http.ts";
import { chunkHour, chunkKey, History, isChunkKey, sparkline } from "./market/history.ts";
import { checkIngest } from "./market/ingest.ts";
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
  type Snapshot,
  type Source,
  type Tick,
  TickerClientMessageSchema,
  type TickerServerMessage,
} from "./protocol.ts";
import { countFrame, type FrameWindow, RATE_LIMITED_MESSAGE } from "./rate-limit.ts";

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
/** Ticks that arrive within this long of the last frame fold into the next frame. */
const FRAME_WINDOW_MS = 16;
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
  private storedHours = new Set<number>();
  /** Set after a load with sockets already open: they get a fresh snapshot first. */
  private resync = false;

  private pending: Tick[] = [];
  private lastFrameAt = 0;
  private frameTimer: ReturnType<typeof setTimeout> | null = null;
  private pumpTimer: ReturnType<typeof setTimeout> | null = null;
  private lastQuoteAt = 0;
  private quoteDirty = false;
  private quoteTimer: ReturnType<typeof setTimeout> | null = null;
  private snapshotCache: Partial<Record<Mode, { seq: number; at: number; text: string }>> = {};
  private pushQueue: Promise<unknown> = Promise.resolve();

  constructor(readonly room: Party.Room) {}

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
    if (this.sim) {
      this.schedulePump(now);
      if ((await this.room.storage.getAlarm()) === null) {
        await this.room.storage.setAlarm(now + ALARM_MS);
      }
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

  async onClose(): Promise<void> {
    if (this.hasSubscribers()) return;
    this.stopTimers();
    this.flushFrame();
    await this.flush();
    await this.room.storage.deleteAlarm();
  }

  async onError(): Promise<void> {
    await this.onClose();
  }

  async onAlarm(): Promise<void> {
    if (!this.meta) return;
    const now = Date.now();
    if (this.hasSubscribers()) {
      this.advance(now);
      this.flushFrame();
      await this.flush();
      await this.room.storage.setAlarm(now + ALARM_MS);
      this.schedulePump(now);
    } else {
      this.stopTimers();
      await this.flush();
    }
  }

  async onRequest(req: Party.Request): Promise<Response> {
    try {
      if (req.method === "OPTIONS") return preflight();
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
      console.error("ticker request failed", err);
      return httpError(
        500,
        ErrorCode.badRequest,
        "the room could not handle this request; nothing was changed",
      );
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
    this.sim = meta.source === "sim" ? new Simulator(meta.symbol) : null;
    this.resync = this.hasSubscribers();
  }

  /** First use of a room: store its symbol (alarms cannot read the room id) and backfill. */
  private async create(symbol: string): Promise<void> {
    const now = Date.now();
    const sim = new Simulator(symbol);
    const backfill = sim.history(now - LIMITS.historyMs, now, LIMITS.snapshotTicks);
    this.sim = sim;
    this.history.reset(backfill.candles, backfill.tail, backfill.count);
    this.meta = { symbol, source: "sim", seq: backfill.count, cursor: now, lastPushed: null };
    await this.flush();
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
    if (except || now - this.lastFrameAt >= FRAME_WINDOW_MS) {
      this.flushFrame(except);
    } else if (!this.frameTimer) {
      this.frameTimer = setTimeout(
        () => this.flushFrame(),
        this.lastFrameAt + FRAME_WINDOW_MS - now,
      );
    }
  }

  /** Sends pending ticks as one frame, serialised once, to every full subscriber. */
  private flushFrame(except?: Party.Connection): void {
    if (this.frameTimer) {
      clearTimeout(this.frameTimer);
      this.frameTimer = null;
    }
    const meta = this.meta;
    const quote = this.history.quote(this.volumeDecimals());
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
    broadcast(this.room.getConnections("full"), text, except);
    this.quoteDirty = true;
    this.sendQuote(now);
  }

  /** Quote subscribers get at most one frame a second, and only when something changed. */
  private sendQuote(now: number): void {
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
    const quote = this.history.quote(this.volumeDecimals());
    if (!meta || !quote) return;
    this.quoteDirty = false;
    this.lastQuoteAt = now;
    const text = JSON.stringify({
      type: "quote",
      symbol: meta.symbol,
      seq: this.history.seq,
      quote,
    } satisfies TickerServerMessage);
    broadcast(this.room.getConnections("quote"), text);
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
      quote: this.history.quote(this.volumeDecimals()),
      candles: full ? this.history.candles : this.history.candles.slice(-QUOTE_MODE_CANDLES),
      ticks: full ? this.history.recentTicks() : this.history.tail.slice(-QUOTE_MODE_TICKS),
      ...(full ? {} : { spark: sparkline(this.history.candles) }),
    };
    const text = JSON.stringify(snapshot);
    this.snapshotCache[mode] = { seq: this.history.seq, at: now, text };
    return text;
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
    const text = await readBody(req, LIMITS.pushBytes);
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
    const dropped = switching ? [...this.storedHours].map(chunkKey) : [];
    if (switching) {
      // A room never mixes sources: the simulated history goes, the counter carries on.
      this.stopTimers();
      this.sim = null;
      this.pending = [];
      this.history = new History([], [], this.history.seq);
      this.storedHours = new Set();
      meta.source = "push";
    }
    this.history.append(ticks);
    meta.lastPushed = (ticks[ticks.length - 1] as Tick)[0];
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

function broadcast(
  conns: Iterable<Party.Connection>,
  text: string,
  except?: Party.Connection,
): void {
  for (const conn of conns) {
    if (conn === except) continue;
    try {
      conn.send(text);
    } catch {
      // As above: a socket that is closing is not an error of the room.
    }
  }
}
