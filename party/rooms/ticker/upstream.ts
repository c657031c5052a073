/**
 * One exchange socket, run inside a ticker room while it has subscribers. The adapter decides
 * what frames mean and `reaction` what to do about them; this shell only connects, subscribes,
 * watches for silence, and reconnects with jittered backoff. It says `live` only once the
 * exchange has confirmed the subscription. It never throws into the room: everything it has
 * to say arrives as ticks or as a status.
 */
import { backoffDelay } from "../../market/backoff.ts";
import { reaction, reconnecting } from "../../market/feed-state.ts";
import type { ExchangeAdapter } from "../../market/providers/types.ts";
import type { Tick } from "../../protocol/index.ts";

export type UpstreamStatus = {
  /** A short readable phrase for the snapshot's and quote's `status`. */
  status: string;
  /** True while the upstream has been quiet past the adapter's `quietMs`. */
  stale: boolean;
};

export type UpstreamHandlers = {
  ticks(ticks: Tick[], replay: boolean): void;
  status(status: UpstreamStatus): void;
};

const RECONNECT = { baseMs: 500, maxMs: 30_000 };
/** After a refusal (unknown product, bad key) retrying soon would only repeat it. */
const REFUSED_RETRY_MS = 60_000;
/** Quiet this many times past `quietMs` means the socket is dead, not the market. */
const DEAD_FACTOR = 4;
/** A subscription not confirmed within this long will not be: dial again. */
const CONFIRM_TIMEOUT_MS = 15_000;

export class Upstream {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private lastFrameAt = 0;
  /** When the current socket was opened, for the confirmation's deadline. */
  private dialledAt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private watchTimer: ReturnType<typeof setInterval> | null = null;
  private stopped = false;
  private current: UpstreamStatus = { status: "connecting", stale: false };

  constructor(
    private readonly adapter: ExchangeAdapter,
    private readonly product: string,
    private readonly baseUrl: string,
    private readonly on: UpstreamHandlers,
  ) {}

  start(): void {
    this.stopped = false;
    this.connect();
    const every = Math.max(250, Math.floor(this.adapter.quietMs / 4));
    this.watchTimer = setInterval(() => this.watch(), every);
  }

  stop(): void {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.watchTimer) clearInterval(this.watchTimer);
    this.reconnectTimer = null;
    this.watchTimer = null;
    this.closeSocket();
  }

  private connect(): void {
    if (this.stopped) return;
    this.reconnectTimer = null;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.adapter.url(this.baseUrl, this.product));
    } catch (err) {
      this.refused(`cannot open ${this.adapter.name}: ${(err as Error).message}`);
      return;
    }
    this.ws = ws;
    this.lastFrameAt = Date.now();
    this.dialledAt = this.lastFrameAt;
    ws.addEventListener("open", () => {
      if (this.ws !== ws) return;
      // An open socket is not a subscription: `live` waits for the exchange to confirm it.
      for (const frame of this.adapter.subscribe(this.product)) ws.send(frame);
    });
    ws.addEventListener("message", (event) => {
      if (this.ws !== ws) return;
      this.lastFrameAt = Date.now();
      const data =
        typeof event.data === "string"
          ? event.data
          : new TextDecoder().decode(event.data as ArrayBuffer);
      this.receive(data);
      // Any frame on a confirmed feed (a heartbeat too) says the socket is alive again.
      if (this.ws === ws && this.current.status === "live" && this.current.stale) {
        this.report({ status: "live", stale: false });
      }
    });
    const lost = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.retry();
    };
    ws.addEventListener("close", lost);
    ws.addEventListener("error", lost);
  }

  private receive(frame: string): void {
    for (const event of this.adapter.parse(frame, this.product)) {
      const next = reaction(event, this.adapter.name);
      switch (next.kind) {
        case "trades":
          this.live();
          if (next.event.ticks.length > 0) {
            this.on.ticks(next.event.ticks, next.event.replay === true);
          }
          break;
        case "confirmed":
          this.live();
          break;
        case "redial":
          this.closeSocket();
          this.retry(next.status);
          return;
        case "refused":
          this.refused(next.message);
          return;
        case "warn":
          console.warn(next.message);
          break;
        case "none":
          break;
      }
    }
  }

  /** Subscribed and hearing from the upstream: the backoff starts over. */
  private live(): void {
    this.attempt = 0;
    this.report({ status: "live", stale: false });
  }

  private watch(): void {
    if (!this.ws) return;
    if (this.current.status !== "live") {
      if (Date.now() - this.dialledAt > CONFIRM_TIMEOUT_MS) {
        this.closeSocket();
        this.retry(reconnecting(this.adapter.name, "the subscription was not confirmed"));
      }
      return;
    }
    const quiet = Date.now() - this.lastFrameAt;
    if (quiet > this.adapter.quietMs * DEAD_FACTOR) {
      // A socket this quiet is half-open: drop it and dial again.
      this.closeSocket();
      this.retry();
    } else if (quiet > this.adapter.quietMs && !this.current.stale) {
      this.report({ status: "live", stale: true });
    }
  }

  /** Dials again after a backoff, showing `status` meanwhile. */
  private retry(status = reconnecting(this.adapter.name)): void {
    if (this.stopped || this.reconnectTimer) return;
    const delay = backoffDelay(this.attempt++, RECONNECT);
    this.report({ status, stale: true });
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private refused(message: string): void {
    this.closeSocket();
    this.report({ status: `refused: ${message}`, stale: true });
    if (!this.stopped && !this.reconnectTimer) {
      this.reconnectTimer = setTimeout(() => this.connect(), REFUSED_RETRY_MS);
    }
  }

  private closeSocket(): void {
    const ws = this.ws;
    this.ws = null;
    if (!ws) return;
    try {
      ws.close(1000, "no subscribers");
    } catch {
      // Already closing.
    }
  }

  private report(next: UpstreamStatus): void {
    if (next.status === this.current.status && next.stale === this.current.stale) return;
    this.current = next;
    this.on.status(next);
  }
}
