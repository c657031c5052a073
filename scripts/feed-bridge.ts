/**
 * The stock feed bridge: ONE upstream connection (Finnhub and Alpaca allow one per key) whose
 * trades are batched per symbol and pushed into the rooms. Each time the connection opens (on
 * start, and after a gap) the rooms are backfilled with the day's one-minute bars they lack,
 * from the provider's bars endpoint (`feed-backfill.ts`). It reconnects with jittered backoff,
 * pings the upstream to notice a connection that died without closing, stops with a one-line
 * reason when the upstream refuses its key (instead of retrying for ever), and on Ctrl-C
 * pushes what is queued before leaving.
 */
import WebSocket from "ws";
import { type Backoff, backoffDelay } from "../party/market/backoff.ts";
import { STOCK_FEEDS } from "../party/market/providers/registry.ts";
import type {
  Refusal,
  StockAdapter,
  StockCredentials,
  StockEvent,
} from "../party/market/providers/types.ts";
import { Backfill } from "./feed-backfill.ts";
import type { BridgeOptions } from "./feed-options.ts";
import { errorText, Pusher } from "./feed-pusher.ts";

export type Output = { info(line: string): void; error(line: string): void };

const RECONNECT: Backoff = { baseMs: 500, maxMs: 30_000 };
const HANDSHAKE_TIMEOUT_MS = 10_000;

/** Runs until stopped or refused. Resolves with the exit status. */
export function runBridge(
  options: BridgeOptions,
  env: Record<string, string | undefined>,
  out: Output,
  stop: AbortSignal,
): Promise<number> {
  const adapter = STOCK_FEEDS[options.provider];
  const read = adapter.credentials(env);
  if (!read.ok) {
    out.error(
      `${adapter.name} needs ${read.missing.join(" and ")} set (in the environment or .env)`,
    );
    return Promise.resolve(2);
  }
  const rooms = new Map<string, string>();
  for (const symbol of options.symbols) {
    const upstream = adapter.symbol(symbol);
    if (upstream === null) {
      out.error(`${adapter.name} has no name for ${symbol}`);
      return Promise.resolve(2);
    }
    rooms.set(upstream, symbol);
  }
  const base = env[adapter.urlEnv]?.trim() || adapter.defaultUrl;
  let url: string;
  try {
    url = adapter.url(base, read.credentials);
  } catch {
    out.error(`${adapter.urlEnv} must be a ws:// or wss:// URL, not "${base}"`);
    return Promise.resolve(2);
  }
  const backfill = new Backfill({
    adapter,
    credentials: read.credentials,
    streamUrl: base,
    rest: env[adapter.restUrlEnv]?.trim() || adapter.defaultRestUrl,
    server: options.server,
    token: options.token,
    out,
  });
  return new Bridge(options, adapter, read.credentials, url, rooms, out, backfill).run(stop);
}

class Bridge {
  private readonly pusher: Pusher;
  /** Upstream symbols still wanted; a refused one leaves. */
  private readonly active: Set<string>;
  private ws: WebSocket | null = null;
  private connected = false;
  private attempt = 0;
  /** The last refusal was a limit: wait the longest delay before trying again. */
  private limited = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private statusTimer: ReturnType<typeof setInterval> | null = null;
  private tradesIn = 0;
  /** The newest trade time streamed per room: minutes from it on are not backfilled. */
  private readonly newestTrade = new Map<string, number>();
  private lastMessageAt = 0;
  private lastError: string | null = null;
  private finishing = false;
  private done: (code: number) => void = () => undefined;

  constructor(
    private readonly options: BridgeOptions,
    private readonly adapter: StockAdapter,
    private readonly credentials: StockCredentials,
    private readonly url: string,
    private readonly rooms: Map<string, string>,
    private readonly out: Output,
    private readonly backfill: Backfill,
  ) {
    this.active = new Set(rooms.keys());
    this.pusher = new Pusher({
      server: options.server,
      token: options.token,
      flushMs: options.flushMs,
      batch: options.batch,
      log: (line) => out.error(line),
    });
    this.pusher.onFatal = (message) => void this.finish(1, message);
  }

  run(stop: AbortSignal): Promise<number> {
    const result = new Promise<number>((resolve) => {
      this.done = resolve;
    });
    stop.addEventListener("abort", () => void this.finish(0, "stopping: pushing what is queued"), {
      once: true,
    });
    this.pusher.start();
    if (this.options.statusMs > 0) {
      this.statusTimer = setInterval(() => this.out.info(this.status()), this.options.statusMs);
    }
    this.out.info(
      `bridging ${this.adapter.name} (${this.host()}) → ${this.options.server} for ${[...this.rooms.values()].join(", ")}`,
    );
    this.connect();
    return result;
  }

  private host(): string {
    try {
      return new URL(this.url).host;
    } catch {
      return "?";
    }
  }

  private connect(): void {
    if (this.finishing) return;
    const ws = new WebSocket(this.url, { handshakeTimeout: HANDSHAKE_TIMEOUT_MS });
    this.ws = ws;
    let refusal: Refusal | null = null;
    let answered = true;
    let pinger: ReturnType<typeof setInterval> | null = null;

    ws.on("unexpected-response", (_req, res) => {
      refusal = this.adapter.refused(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.on("open", () => {
      this.connected = true;
      this.lastMessageAt = Date.now();
      this.send(this.adapter.frames("open", this.credentials, [...this.active]));
      this.out.info(`connected to ${this.adapter.name}`);
      const active = new Map([...this.rooms].filter(([upstream]) => this.active.has(upstream)));
      void this.backfill.run(
        active,
        Date.now(),
        (room) => this.newestTrade.get(room) ?? null,
        () => this.finishing,
      );
      // A connection can die without a close (a sleeping laptop, a dropped route): only an
      // unanswered ping tells.
      pinger = setInterval(() => {
        if (!answered) {
          this.lastError = `${this.adapter.name} stopped answering pings`;
          ws.terminate();
          return;
        }
        answered = false;
        ws.ping();
      }, this.options.pingMs);
    });
    ws.on("pong", () => {
      answered = true;
    });
    ws.on("message", (data) => {
      answered = true;
      this.receive(data.toString());
    });
    ws.on("error", (err) => {
      this.lastError = errorText(err);
    });
    ws.on("close", (code, reason) => {
      if (pinger) clearInterval(pinger);
      this.ws = null;
      this.connected = false;
      if (this.finishing) return;
      const why = refusal as Refusal | null;
      if (why?.fatal) {
        void this.finish(1, why.message);
        return;
      }
      if (why?.limit) this.limited = true;
      const text = reason.toString();
      this.reconnect(
        why?.message ?? this.lastError ?? `connection closed (${code}${text ? ` ${text}` : ""})`,
      );
    });
  }

  private reconnect(reason: string): void {
    const delay = this.limited
      ? backoffDelay(30, RECONNECT)
      : backoffDelay(this.attempt, RECONNECT);
    this.attempt++;
    this.limited = false;
    this.lastError = reason;
    const named = reason.startsWith(this.adapter.name) ? reason : `${this.adapter.name}: ${reason}`;
    this.out.error(`${named}; reconnecting in ${(delay / 1000).toFixed(1)} s`);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  private send(frames: string[]): void {
    for (const frame of frames) this.ws?.send(frame);
  }

  private receive(text: string): void {
    this.lastMessageAt = Date.now();
    for (const event of this.adapter.parse(text)) this.handle(event);
  }

  private handle(event: StockEvent): void {
    switch (event.kind) {
      case "trades":
        this.attempt = 0;
        for (const { symbol, ticks } of event.trades) {
          const room = this.rooms.get(symbol);
          if (room === undefined || !this.active.has(symbol)) continue;
          this.tradesIn += ticks.length;
          const newest = Math.max(...ticks.map((t) => t[0]));
          this.newestTrade.set(room, Math.max(newest, this.newestTrade.get(room) ?? newest));
          this.pusher.add(room, ticks);
        }
        return;
      case "connected":
        this.send(this.adapter.frames("connected", this.credentials, [...this.active]));
        return;
      case "authenticated":
        this.send(this.adapter.frames("authenticated", this.credentials, [...this.active]));
        return;
      case "subscribed": {
        this.attempt = 0;
        const missing = [...this.active].filter((s) => !event.symbols.includes(s));
        this.out.info(
          `subscribed to ${event.symbols.join(", ") || "nothing"}${missing.length ? `; not confirmed: ${missing.join(", ")}` : ""}`,
        );
        return;
      }
      case "heartbeat":
        this.attempt = 0;
        return;
      case "error":
        this.refused(event);
        return;
      default:
        return;
    }
  }

  private refused(event: Extract<StockEvent, { kind: "error" }>): void {
    if (event.fatal && event.symbol !== undefined) {
      this.active.delete(event.symbol);
      const room = this.rooms.get(event.symbol) ?? event.symbol;
      this.out.error(`${event.message}; leaving ${room} out`);
      if (this.active.size === 0) void this.finish(1, `${this.adapter.name} refused every symbol`);
      return;
    }
    if (event.fatal) {
      void this.finish(1, event.message);
      return;
    }
    if (event.limit) this.limited = true;
    this.lastError = event.message;
    this.out.error(event.message);
  }

  private status(): string {
    const t = this.pusher.totals();
    const state = this.connected
      ? "connected"
      : this.reconnectTimer
        ? "reconnecting"
        : "connecting";
    const quiet = Date.now() - this.lastMessageAt;
    const parts = [
      `${this.adapter.name} ${state}`,
      this.connected && quiet > this.adapter.quietMs
        ? `quiet for ${Math.round(quiet / 1000)} s`
        : null,
      `trades in ${this.tradesIn}`,
      `ticks pushed ${t.pushed}`,
      this.backfill.minutes ? `minutes backfilled ${this.backfill.minutes}` : null,
      `queued ${t.depth}`,
      t.late ? `late ${t.late}` : null,
      t.rejected ? `refused ${t.rejected}` : null,
      t.overflow ? `overflow ${t.overflow}` : null,
      `last error: ${this.pusher.lastError ?? this.lastError ?? "none"}`,
    ];
    return parts.filter((p) => p !== null).join(" · ");
  }

  private async finish(code: number, message: string): Promise<void> {
    if (this.finishing) return;
    this.finishing = true;
    if (code === 0) this.out.info(message);
    else this.out.error(message);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.statusTimer) clearInterval(this.statusTimer);
    const ws = this.ws;
    if (ws) {
      ws.removeAllListeners("message");
      ws.once("error", () => undefined);
      ws.close(1000, "bye");
      setTimeout(() => ws.terminate(), 1000).unref();
    }
    let left = 0;
    if (!this.pusher.fatal) left = await this.pusher.drain(this.options.drainMs);
    this.pusher.stop();
    const t = this.pusher.totals();
    if (left > 0)
      this.out.error(`gave up on ${left} queued ticks after ${this.options.drainMs} ms`);
    this.out.info(
      `done: trades in ${this.tradesIn}, ticks pushed ${t.pushed}${t.late ? `, late ${t.late}` : ""}${t.rejected ? `, refused ${t.rejected}` : ""}`,
    );
    this.done(code === 0 && this.pusher.fatal ? 1 : code);
  }
}
