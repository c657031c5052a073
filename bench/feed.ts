/**
 * The benchmark's exchange: a local feed speaking Coinbase Exchange's documented messages, run
 * as a child process so that the orchestrator's own work never delays a trade.
 *
 * A client sends `subscribe` with `product_ids` and the `matches` and `heartbeat` channels and
 * gets `subscriptions` back; each subscribed product then gets a `heartbeat` every second and
 * one `match` message per trade, with price and size as decimal strings and an ISO `time`.
 *
 * Trades are open loop: trade i of a product is due at `t0 + i / rate` and is stamped with that
 * due time, whether or not the feed got to send it on time, so every delay a client sees is
 * measured from when the trade should have happened. Trades are held until the orchestrator
 * says `start` (after every client is connected).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type RawData, type WebSocket, WebSocketServer } from "ws";
import { Histogram, type SparseHistogram } from "./histogram.ts";
import { announce, serve } from "./ipc.ts";
import { exitWithParent } from "./proc.ts";

export type FeedCommands = {
  /** Products to trade and their rate; stops any trading. */
  configure: { request: { products: string[]; rate: number }; reply: null };
  /** Starts (or restarts) every product's trades from now, optionally at a new rate. */
  start: { request: { rate?: number }; reply: { t0: number } };
  pause: { request: Record<string, never>; reply: null };
  /** Counts trades due in [start, end) from now on. */
  window: { request: { start: number; end: number }; reply: null };
  counts: { request: Record<string, never>; reply: FeedCounts };
  /** Sockets subscribed to each product's trades. */
  subscribers: { request: Record<string, never>; reply: Record<string, number> };
};

export type FeedCounts = {
  /** Trades due in the window, per product. */
  due: Record<string, number>;
  /** How late the feed sent those trades (send time minus due time), in ms. */
  lag: SparseHistogram;
};

type Schedule = {
  product: string;
  /** Where in each period this product trades (0 to 1), so that products do not trade at once. */
  slot: number;
  t0: number;
  i: number;
  price: number;
};

const HEARTBEAT_MS = 1000;
const PRODUCT = /^[A-Z0-9]{1,10}-[A-Z0-9]{1,10}$/;

class Feed {
  private readonly trades = new Map<string, Set<WebSocket>>();
  private readonly heartbeats = new Map<WebSocket, Set<string>>();
  private schedules: Schedule[] = [];
  private rate = 1;
  private running = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private sequence = 1;
  private tradeId = 1;
  private readonly lastTrade = new Map<string, { id: number; frame: string }>();
  private window = { start: 0, end: 0 };
  private due: Record<string, number> = {};
  private readonly lag = new Histogram();

  attach(wss: WebSocketServer): void {
    wss.on("connection", (ws) => {
      this.heartbeats.set(ws, new Set());
      ws.on("message", (data: RawData) => this.request(ws, data.toString()));
      ws.on("close", () => {
        this.heartbeats.delete(ws);
        for (const subs of this.trades.values()) subs.delete(ws);
      });
      ws.on("error", () => undefined);
    });
    setInterval(() => this.beat(), HEARTBEAT_MS);
  }

  configure(products: string[], rate: number): void {
    this.pause();
    this.rate = rate;
    this.schedules = products.map((product, k) => ({
      product,
      slot: k / products.length,
      t0: 0,
      i: 0,
      price: 100 + k,
    }));
  }

  start(rate?: number): number {
    this.pause();
    if (rate !== undefined) this.rate = rate;
    const t0 = Date.now() + 5;
    for (const s of this.schedules) {
      s.t0 = t0 + (s.slot * 1000) / this.rate;
      s.i = 0;
    }
    this.running = true;
    this.loop();
    return t0;
  }

  pause(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  setWindow(start: number, end: number): void {
    this.window = { start, end };
    this.due = {};
    this.lag.reset();
  }

  counts(): FeedCounts {
    return { due: { ...this.due }, lag: this.lag.sparse() };
  }

  subscribers(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [product, subs] of this.trades) out[product] = subs.size;
    return out;
  }

  /** Sends every trade that is due, then sleeps until the next one is. */
  private loop = (): void => {
    this.timer = null;
    if (!this.running) return;
    const period = 1000 / this.rate;
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const s of this.schedules) {
      let due = Math.floor(s.t0 + s.i * period);
      while (due <= now) {
        this.trade(s, due, now);
        s.i++;
        due = Math.floor(s.t0 + s.i * period);
      }
      if (due < next) next = due;
    }
    this.timer = setTimeout(this.loop, Math.max(0, next - Date.now()));
  };

  private trade(s: Schedule, due: number, now: number): void {
    // A small random walk, rounded to cents like a USD book.
    s.price = Math.max(1, Math.round(s.price * (1 + (Math.random() - 0.5) * 0.001) * 100) / 100);
    const id = this.tradeId++;
    const frame = JSON.stringify({
      type: "match",
      trade_id: id,
      sequence: this.sequence++,
      maker_order_id: `m-${id}`,
      taker_order_id: `t-${id}`,
      time: isoMicros(due),
      product_id: s.product,
      size: (0.001 + (id % 997) / 1000).toFixed(8),
      price: s.price.toFixed(2),
      side: id % 2 === 0 ? "buy" : "sell",
    });
    this.lastTrade.set(s.product, { id, frame });
    const subs = this.trades.get(s.product);
    if (subs) for (const ws of subs) ws.send(frame);
    if (due >= this.window.start && due < this.window.end) {
      this.due[s.product] = (this.due[s.product] ?? 0) + 1;
      this.lag.record(now - due);
    }
  }

  private beat(): void {
    const time = isoMicros(Date.now());
    for (const [ws, products] of this.heartbeats) {
      for (const product of products) {
        ws.send(
          JSON.stringify({
            type: "heartbeat",
            sequence: this.sequence++,
            last_trade_id: this.lastTrade.get(product)?.id ?? 0,
            product_id: product,
            time,
          }),
        );
      }
    }
  }

  /** `subscribe` / `unsubscribe` with `product_ids` and channels given by name or as objects. */
  private request(ws: WebSocket, text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      ws.send(
        JSON.stringify({ type: "error", message: "Failed to parse message", reason: "bad JSON" }),
      );
      return;
    }
    if (!isRecord(msg) || (msg.type !== "subscribe" && msg.type !== "unsubscribe")) {
      ws.send(
        JSON.stringify({
          type: "error",
          message: "Failed to subscribe",
          reason: "unknown message type",
        }),
      );
      return;
    }
    const shared = strings(msg.product_ids);
    const wanted: { channel: string; products: string[] }[] = [];
    for (const c of Array.isArray(msg.channels) ? msg.channels : []) {
      if (typeof c === "string") wanted.push({ channel: c, products: shared });
      else if (isRecord(c) && typeof c.name === "string") {
        wanted.push({ channel: c.name, products: [...shared, ...strings(c.product_ids)] });
      }
    }
    const bad = wanted.flatMap((w) => w.products).find((p) => !PRODUCT.test(p));
    if (bad !== undefined) {
      ws.send(
        JSON.stringify({
          type: "error",
          message: "Failed to subscribe",
          reason: `${bad} is not a valid product`,
        }),
      );
      return;
    }
    const beats = this.heartbeats.get(ws) ?? new Set<string>();
    const fresh: string[] = [];
    for (const { channel, products } of wanted) {
      for (const p of products) {
        if (channel === "heartbeat") {
          if (msg.type === "subscribe") beats.add(p);
          else beats.delete(p);
        } else if (channel === "matches") {
          const subs = this.trades.get(p) ?? new Set<WebSocket>();
          this.trades.set(p, subs);
          if (msg.type === "subscribe") {
            if (!subs.has(ws)) fresh.push(p);
            subs.add(ws);
          } else {
            subs.delete(ws);
          }
        }
      }
    }
    const matches = [...this.trades].filter(([, s]) => s.has(ws)).map(([p]) => p);
    ws.send(
      JSON.stringify({
        type: "subscriptions",
        channels: [
          { name: "matches", product_ids: matches },
          { name: "heartbeat", product_ids: [...beats] },
        ].filter((c) => c.product_ids.length > 0),
      }),
    );
    // Coinbase sends the product's latest trade as `last_match` right after subscribing.
    for (const p of fresh) {
      const last = this.lastTrade.get(p);
      if (last) ws.send(last.frame.replace('"type":"match"', '"type":"last_match"'));
    }
  }
}

/** `2024-11-07T08:19:27.028000Z`: Coinbase sends microseconds. */
function isoMicros(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, -1)}000Z`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

exitWithParent();
const feed = new Feed();
const server = createServer((_req, res) => {
  res.writeHead(426, { "content-type": "text/plain" }).end("WebSocket only\n");
});
const wss = new WebSocketServer({ server, perMessageDeflate: false });
feed.attach(wss);
server.listen(0, "127.0.0.1", () => {
  announce({ port: (server.address() as AddressInfo).port });
});

serve((req) => {
  switch (req.command) {
    case "configure":
      feed.configure(req.products as string[], req.rate as number);
      return null;
    case "start":
      return { t0: feed.start(req.rate as number | undefined) };
    case "pause":
      feed.pause();
      return null;
    case "window":
      feed.setWindow(req.start as number, req.end as number);
      return null;
    case "counts":
      return feed.counts();
    case "subscribers":
      return feed.subscribers();
    default:
      throw new Error(`unknown command ${req.command}`);
  }
});
