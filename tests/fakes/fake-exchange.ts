/**
 * Local stand-ins for the upstream market data sockets, so that no test ever reaches a real
 * exchange. One server speaks one provider's dialect, as its public documentation describes it:
 * the same subscribe requests and acknowledgements, heartbeats, trade messages, refusals (an
 * unknown product, a bad key, too many connections) and field formats (decimal strings,
 * RFC 3339 times, epoch milliseconds). Tests drive it: trades on demand or at a rate, malformed
 * frames, a dropped connection, an upstream gone silent; and read it: connections made, sockets
 * open, and every frame a client sent.
 *
 * It listens on 127.0.0.1 on a port the OS chooses. Point a feed at `fake.url` through the
 * provider's URL setting (`COINBASE_WS_URL`, `KRAKEN_WS_URL`, `BINANCE_WS_URL`,
 * `FINNHUB_WS_URL`, `ALPACA_WS_URL`).
 *
 * Where the documentation is silent, the fake picks a plausible behaviour and says so below
 * ("not documented"); a test should not depend on those details.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { type RawData, WebSocket, WebSocketServer } from "ws";

export type Dialect = "coinbase" | "kraken" | "binance" | "finnhub" | "alpaca";

export type FakeExchangeOptions = {
  dialect: Dialect;
  /**
   * Products the fake knows, named as the provider names them: `BTC-USD` (Coinbase), `BTC/USD`
   * (Kraken), `BTCUSDT` (Binance, any case), `AAPL` (Finnhub, Alpaca). A subscription to any
   * other is refused the provider's way; Binance refuses nothing and just never sends trades.
   * Default: every product is known.
   */
  products?: string[];
  /**
   * Period of the keep-alive: Coinbase `heartbeat` messages (per subscribed product), Kraken
   * `{"channel":"heartbeat"}`, Finnhub `{"type":"ping"}`, and WebSocket ping frames for Binance
   * and Alpaca, which have no heartbeat message. 0 turns it off. Default 1000.
   */
  heartbeatMs?: number;
  /** The Finnhub token or Alpaca key id the fake accepts. Default: any. */
  key?: string;
  /** The Alpaca secret that goes with `key`. Default: any. */
  secret?: string;
  /**
   * Sockets allowed open at once. Beyond it Alpaca sends error 406 and closes; Finnhub refuses
   * the upgrade with HTTP 429 (the limit's response is not documented). Default: no limit.
   */
  maxConnections?: number;
  /**
   * Coinbase closes a socket that has not subscribed within this long (the real feed: 5 s);
   * Alpaca sends error 404 `auth timeout` and closes one that has not authenticated (about
   * 10 s). Default 0: no timeout, so a slow test machine does not trip it.
   */
  handshakeTimeoutMs?: number;
};

/** A trade the fake made; `time` in epoch milliseconds. */
export type FakeTrade = { product: string; price: number; size: number; time: number; id: number };

/** A frame a client sent, with the number of the connection it came on (from 1). */
export type ReceivedFrame = { connection: number; text: string; at: number };

export type TradeStream = { stop(): void };

export interface FakeExchange {
  readonly dialect: Dialect;
  /** `ws://127.0.0.1:PORT`: the base URL to give a feed. Any path is accepted. */
  readonly url: string;
  readonly port: number;
  /** WebSocket connections accepted so far (refused upgrades do not count). */
  readonly connections: number;
  /** Upgrades refused with an HTTP status (Finnhub's bad token, its connection limit). */
  readonly refusedUpgrades: number;
  /** Sockets open now. */
  readonly openSockets: number;
  /** Every frame clients sent, oldest first. */
  readonly received: readonly ReceivedFrame[];
  /** Frames the fake sent, all sockets together. */
  readonly sentFrames: number;
  /** Trades made so far, per product (the provider's name for it, Binance upper case). */
  trades(product: string): readonly FakeTrade[];
  /** Open sockets subscribed to a product's trades. */
  subscribers(product: string): number;

  /**
   * Makes one trade and sends it to every socket subscribed to the product. `time` defaults to
   * now, never earlier than the product's previous trade.
   */
  trade(product: string, price: number, size: number, time?: number): FakeTrade;
  /**
   * Makes several trades and sends them the way the provider batches them: one frame per
   * batch for Kraken, Finnhub and Alpaca, one frame per trade for Coinbase and Binance.
   */
  tradeBatch(
    trades: { product: string; price: number; size: number; time?: number }[],
  ): FakeTrade[];
  /** Makes trades at a rate, a small random walk from `price`, until stopped or closed. */
  stream(
    product: string,
    options: { perSecond: number; price?: number; size?: number },
  ): TradeStream;

  /** Sends a raw frame (a string as is, anything else as JSON) to every open socket. */
  send(frame: unknown): void;
  /** Sends frames that are not what the provider would send: broken JSON, then a wrong shape. */
  malformed(): void;
  /** Ends every open socket abruptly (no close frame), as a network failure would. */
  drop(): void;
  /** Closes every open socket with a close frame. */
  closeSockets(code?: number, reason?: string): void;
  /**
   * Stops sending anything (heartbeats, trades, replies, pongs) and reading requests while
   * keeping the sockets open, as a hung upstream would; `speak()` ends it. Trades made
   * meanwhile are not sent, requests made meanwhile are lost. With `newSockets: false` only the
   * sockets open now hang, and a client that reconnects finds a working upstream.
   */
  silence(options?: { newSockets?: boolean }): void;
  speak(): void;
  /**
   * Answers subscription requests (Coinbase's `subscribe`, Kraken's, Binance's `SUBSCRIBE`) only
   * after `ms`, as a loaded exchange may: nothing of the subscription, its confirmation or its
   * trades reaches the socket before. 0 answers at once again.
   */
  confirmAfter(ms: number): void;
  /**
   * Kraken: the trading engine's state (`online`, `maintenance`, `cancel_only`, `post_only`),
   * sent to every open socket as a `status` update and to each new one on connecting.
   */
  systemStatus(system: string): void;
  /** Binance: a `serverShutdown` event on every open socket, as before a server restart. */
  serverShutdown(): void;
  /** Resolves once `check` is true, polling; rejects after `timeoutMs` (default 5000). */
  waitFor(check: () => boolean, timeoutMs?: number, what?: string): Promise<void>;
  /** Stops everything and closes the server. */
  close(): Promise<void>;
}

type Client = {
  n: number;
  ws: WebSocket;
  /** Products this socket gets trades of (Binance: lower-case stream names' symbols). */
  trades: Set<string>;
  /** Coinbase: products on the heartbeat channel. */
  heartbeats: Set<string>;
  /** Binance: events wrapped as `{"stream", "data"}`. */
  combined: boolean;
  authenticated: boolean;
  /** This socket hangs: nothing is sent on it or read from it. */
  silent: boolean;
  timers: ReturnType<typeof setTimeout>[];
};

const DEFAULTS = { heartbeatMs: 1000, handshakeTimeoutMs: 0 };

/** Starts a fake upstream on 127.0.0.1 and a free port. */
export async function startFakeExchange(options: FakeExchangeOptions): Promise<FakeExchange> {
  const fake = new Fake({ ...DEFAULTS, ...options });
  await fake.listen();
  return fake;
}

class Fake implements FakeExchange {
  readonly dialect: Dialect;
  port = 0;
  connections = 0;
  refusedUpgrades = 0;
  sentFrames = 0;
  readonly received: ReceivedFrame[] = [];

  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private readonly clients = new Set<Client>();
  private readonly history = new Map<string, FakeTrade[]>();
  private readonly streams = new Set<ReturnType<typeof setInterval>>();
  private readonly known: Set<string> | null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private silent = false;
  private confirmDelayMs = 0;
  private system = "online";
  private nextTradeId = 1000;
  private sequence = 1;

  constructor(
    private readonly options: Required<
      Pick<FakeExchangeOptions, "heartbeatMs" | "handshakeTimeoutMs">
    > &
      FakeExchangeOptions,
  ) {
    this.dialect = options.dialect;
    this.known = options.products ? new Set(options.products.map((p) => this.key(p))) : null;
    // Pongs are sent by hand, so that a silenced fake stops answering pings too.
    this.wss = new WebSocketServer({ noServer: true, autoPong: false });
    this.server = createServer((_req, res) => {
      res.writeHead(426, { "content-type": "text/plain" }).end("WebSocket only\n");
    });
    this.server.on("upgrade", (req, socket, head) => this.upgrade(req, socket as Socket, head));
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  get openSockets(): number {
    let n = 0;
    for (const c of this.clients) if (c.ws.readyState === WebSocket.OPEN) n++;
    return n;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => {
        this.port = (this.server.address() as AddressInfo).port;
        if (this.options.heartbeatMs > 0) {
          this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatMs);
        }
        resolve();
      });
    });
  }

  trades(product: string): readonly FakeTrade[] {
    return this.history.get(this.key(product)) ?? [];
  }

  subscribers(product: string): number {
    const key = this.key(product);
    let n = 0;
    for (const c of this.clients) if (c.ws.readyState === WebSocket.OPEN && c.trades.has(key)) n++;
    return n;
  }

  trade(product: string, price: number, size: number, time?: number): FakeTrade {
    const [made] = this.tradeBatch([{ product, price, size, time }]);
    return made as FakeTrade;
  }

  tradeBatch(list: { product: string; price: number; size: number; time?: number }[]): FakeTrade[] {
    const made = list.map(({ product, price, size, time }) =>
      this.record(product, price, size, time),
    );
    const batches =
      this.dialect === "kraken" || this.dialect === "finnhub" || this.dialect === "alpaca";
    for (const client of this.clients) {
      const mine = made.filter((t) => client.trades.has(t.product));
      if (mine.length === 0) continue;
      if (batches) {
        this.sendTo(client, this.tradeFrame(mine, client));
      } else {
        for (const t of mine) this.sendTo(client, this.tradeFrame([t], client));
      }
    }
    return made;
  }

  stream(
    product: string,
    { perSecond, price = 100, size = 1 }: { perSecond: number; price?: number; size?: number },
  ): TradeStream {
    let last = price;
    const timer = setInterval(
      () => {
        last = Math.max(0.01, Number((last * (1 + (Math.random() - 0.5) * 0.002)).toFixed(2)));
        this.trade(product, last, size);
      },
      Math.max(1, Math.round(1000 / perSecond)),
    );
    this.streams.add(timer);
    return {
      stop: () => {
        clearInterval(timer);
        this.streams.delete(timer);
      },
    };
  }

  send(frame: unknown): void {
    const text = typeof frame === "string" ? frame : JSON.stringify(frame);
    for (const c of this.clients) this.sendTo(c, text);
  }

  malformed(): void {
    this.send("{this is not json");
    this.send(this.dialect === "alpaca" ? [{ T: "t", S: 42 }] : { type: 42, data: "?" });
  }

  drop(): void {
    for (const c of this.clients) c.ws.terminate();
  }

  closeSockets(code = 1001, reason = "going away"): void {
    for (const c of this.clients) c.ws.close(code, reason);
  }

  silence({ newSockets = true }: { newSockets?: boolean } = {}): void {
    this.silent = newSockets;
    for (const c of this.clients) c.silent = true;
  }

  speak(): void {
    this.silent = false;
    for (const c of this.clients) c.silent = false;
  }

  confirmAfter(ms: number): void {
    this.confirmDelayMs = ms;
  }

  systemStatus(system: string): void {
    this.system = system;
    for (const c of this.clients) this.sendTo(c, this.krakenStatus(c));
  }

  serverShutdown(): void {
    this.send({ e: "serverShutdown", E: Date.now() });
  }

  async waitFor(check: () => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline)
        throw new Error(`fake ${this.dialect}: no ${what} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const timer of this.streams) clearInterval(timer);
    this.streams.clear();
    for (const c of this.clients) {
      for (const t of c.timers) clearTimeout(t);
      c.ws.terminate();
    }
    this.clients.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // -------------------------------------------------------------------------------------------
  // Connections

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer) {
    const url = new URL(req.url ?? "/", "http://fake");
    if (this.dialect === "finnhub") {
      const token = url.searchParams.get("token");
      if (!token || (this.options.key !== undefined && token !== this.options.key)) {
        return this.refuse(socket, 401, "Unauthorized");
      }
      if (
        this.options.maxConnections !== undefined &&
        this.openSockets >= this.options.maxConnections
      ) {
        return this.refuse(socket, 429, "Too Many Requests");
      }
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, url));
  }

  private refuse(socket: Socket, status: number, text: string): void {
    this.refusedUpgrades++;
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }

  private accept(ws: WebSocket, url: URL): void {
    const client: Client = {
      n: ++this.connections,
      ws,
      trades: new Set(),
      heartbeats: new Set(),
      combined: false,
      authenticated: false,
      silent: this.silent,
      timers: [],
    };
    this.clients.add(client);
    ws.on("message", (data: RawData) => this.receive(client, data.toString()));
    ws.on("ping", (payload) => {
      if (!client.silent) ws.pong(payload);
    });
    ws.on("close", () => {
      for (const t of client.timers) clearTimeout(t);
      this.clients.delete(client);
    });
    ws.on("error", () => undefined);
    this.greet(client, url);
  }

  private greet(client: Client, url: URL): void {
    const timeout = this.options.handshakeTimeoutMs;
    switch (this.dialect) {
      case "coinbase":
        if (timeout > 0) {
          client.timers.push(
            setTimeout(() => {
              if (client.trades.size === 0 && client.heartbeats.size === 0)
                client.ws.close(1008, "subscribe timeout");
            }, timeout),
          );
        }
        break;
      case "kraken":
        this.sendTo(client, this.krakenStatus(client));
        break;
      case "binance":
        if (this.confirmDelayMs > 0) {
          client.timers.push(
            setTimeout(() => this.binanceStreams(client, url), this.confirmDelayMs),
          );
        } else {
          this.binanceStreams(client, url);
        }
        break;
      case "alpaca": {
        const limit = this.options.maxConnections;
        if (limit !== undefined && this.openSockets > limit) {
          this.sendTo(client, [{ T: "error", code: 406, msg: "connection limit exceeded" }]);
          client.ws.close(1008, "connection limit exceeded");
          return;
        }
        this.sendTo(client, [{ T: "success", msg: "connected" }]);
        if (timeout > 0) {
          client.timers.push(
            setTimeout(() => {
              if (client.authenticated) return;
              this.sendTo(client, [{ T: "error", code: 404, msg: "auth timeout" }]);
              client.ws.close(1008, "auth timeout");
            }, timeout),
          );
        }
        break;
      }
      default:
        break;
    }
  }

  private receive(client: Client, text: string) {
    this.received.push({ connection: client.n, text, at: Date.now() });
    if (client.silent) return;
    const delay = this.confirmDelayMs;
    if (delay > 0 && /subscribe/i.test(text)) {
      client.timers.push(setTimeout(() => this.handle(client, text), delay));
      return;
    }
    this.handle(client, text);
  }

  private handle(client: Client, text: string) {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      msg = undefined;
    }
    switch (this.dialect) {
      case "coinbase":
        return this.coinbaseRequest(client, msg);
      case "kraken":
        return this.krakenRequest(client, msg);
      case "binance":
        return this.binanceRequest(client, msg);
      case "finnhub":
        return this.finnhubRequest(client, msg);
      case "alpaca":
        return this.alpacaRequest(client, msg);
    }
  }

  private sendTo(client: Client, frame: unknown): void {
    if (client.silent || client.ws.readyState !== WebSocket.OPEN) return;
    client.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
    this.sentFrames++;
  }

  private beat(): void {
    for (const client of this.clients) {
      if (client.silent || client.ws.readyState !== WebSocket.OPEN) continue;
      switch (this.dialect) {
        case "coinbase":
          for (const product of client.heartbeats) {
            const last = this.history.get(product)?.at(-1);
            this.sendTo(client, {
              type: "heartbeat",
              sequence: this.sequence++,
              last_trade_id: last?.id ?? 0,
              product_id: product,
              time: microIso(Date.now()),
            });
          }
          break;
        case "kraken":
          if (client.trades.size > 0) this.sendTo(client, { channel: "heartbeat" });
          break;
        case "finnhub":
          this.sendTo(client, { type: "ping" });
          break;
        default:
          client.ws.ping();
          break;
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Trades

  /** The key a product is stored under: Binance symbols upper case, others as named. */
  private key(product: string): string {
    return this.dialect === "binance" ? product.toUpperCase() : product;
  }

  private isKnown(product: string): boolean {
    return this.known === null || this.known.has(this.key(product));
  }

  private record(product: string, price: number, size: number, time?: number): FakeTrade {
    const key = this.key(product);
    const list = this.history.get(key) ?? [];
    const previous = list.at(-1)?.time ?? 0;
    const trade: FakeTrade = {
      product: key,
      price,
      size,
      time: time ?? Math.max(Date.now(), previous),
      id: this.nextTradeId++,
    };
    list.push(trade);
    this.history.set(key, list);
    return trade;
  }

  private tradeFrame(trades: FakeTrade[], client: Client): unknown {
    switch (this.dialect) {
      case "coinbase": {
        const t = trades[0] as FakeTrade;
        return coinbaseMatch(t, "match", this.sequence++);
      }
      case "kraken":
        return { channel: "trade", type: "update", data: trades.map(krakenTrade) };
      case "binance": {
        const t = trades[0] as FakeTrade;
        const data = {
          e: "trade",
          E: Date.now(),
          s: t.product,
          t: t.id,
          p: decimal(t.price),
          q: decimal(t.size),
          T: t.time,
          m: t.id % 2 === 0,
          M: true,
        };
        return client.combined ? { stream: `${t.product.toLowerCase()}@trade`, data } : data;
      }
      case "finnhub":
        return {
          data: trades.map((t) => ({ c: ["1"], p: t.price, s: t.product, t: t.time, v: t.size })),
          type: "trade",
        };
      case "alpaca":
        return trades.map((t) => ({
          T: "t",
          i: t.id,
          S: t.product,
          x: "V",
          p: t.price,
          s: t.size,
          c: ["@"],
          t: nanoIso(t.time),
          z: "C",
        }));
    }
  }

  // -------------------------------------------------------------------------------------------
  // Coinbase: {"type":"subscribe","product_ids":[…],"channels":["matches", {"name","product_ids"}]}

  private coinbaseRequest(client: Client, msg: unknown) {
    if (!isRecord(msg)) {
      // Not documented: the wording of Coinbase's reply to a frame it cannot parse.
      return this.sendTo(client, {
        type: "error",
        message: "Failed to parse message",
        reason: "malformed JSON",
      });
    }
    if (msg.type !== "subscribe" && msg.type !== "unsubscribe") {
      return this.sendTo(client, {
        type: "error",
        message: "Failed to subscribe",
        reason: `unknown message type ${String(msg.type)}`,
      });
    }
    const shared = strings(msg.product_ids);
    const wanted: { channel: string; products: string[] }[] = [];
    for (const channel of Array.isArray(msg.channels) ? msg.channels : []) {
      if (typeof channel === "string") wanted.push({ channel, products: shared });
      else if (isRecord(channel) && typeof channel.name === "string") {
        wanted.push({
          channel: channel.name,
          products: [...shared, ...strings(channel.product_ids)],
        });
      }
    }
    const products = wanted.flatMap((w) => w.products);
    const unknown = products.find((p) => !this.isKnown(p));
    if (unknown !== undefined) {
      return this.sendTo(client, {
        type: "error",
        message: "Failed to subscribe",
        reason: `${unknown} is not a valid product`,
      });
    }
    const fresh: string[] = [];
    for (const { channel, products } of wanted) {
      const set =
        channel === "matches" ? client.trades : channel === "heartbeat" ? client.heartbeats : null;
      if (!set) continue;
      for (const p of products) {
        if (msg.type === "subscribe") {
          if (set === client.trades && !set.has(p)) fresh.push(p);
          set.add(p);
        } else {
          set.delete(p);
        }
      }
    }
    this.sendTo(client, {
      type: "subscriptions",
      channels: [
        { name: "matches", product_ids: [...client.trades] },
        { name: "heartbeat", product_ids: [...client.heartbeats] },
      ].filter((c) => c.product_ids.length > 0),
    });
    for (const p of fresh) {
      const last = this.history.get(p)?.at(-1);
      if (last) this.sendTo(client, coinbaseMatch(last, "last_match", this.sequence++));
    }
  }

  // -------------------------------------------------------------------------------------------
  // Kraken v2: {"method":"subscribe","params":{"channel":"trade","symbol":[…],"snapshot":true}}

  private krakenStatus(client: Client): unknown {
    return {
      channel: "status",
      data: [
        {
          api_version: "v2",
          connection_id: 1000 + client.n,
          system: this.system,
          version: "2.0.0",
        },
      ],
      type: "update",
    };
  }

  private krakenRequest(client: Client, msg: unknown) {
    const stamp = () => ({ time_in: microIso(Date.now()), time_out: microIso(Date.now()) });
    if (!isRecord(msg) || typeof msg.method !== "string") {
      // Not documented: Kraken's exact reply to a request it cannot parse.
      return this.sendTo(client, {
        error: "Malformed request",
        method: "unknown",
        success: false,
        ...stamp(),
      });
    }
    const reqId = typeof msg.req_id === "number" ? { req_id: msg.req_id } : {};
    if (msg.method === "ping") return this.sendTo(client, { method: "pong", ...reqId, ...stamp() });
    const params = isRecord(msg.params) ? msg.params : {};
    if (msg.method !== "subscribe" && msg.method !== "unsubscribe") {
      return this.sendTo(client, {
        error: `Method ${msg.method} not supported`,
        method: msg.method,
        success: false,
        ...reqId,
        ...stamp(),
      });
    }
    if (params.channel !== "trade") {
      return this.sendTo(client, {
        error: "Channel not supported by this fake",
        method: msg.method,
        success: false,
        ...reqId,
        ...stamp(),
      });
    }
    const snapshot = params.snapshot !== false;
    for (const symbol of strings(params.symbol)) {
      if (!this.isKnown(symbol)) {
        this.sendTo(client, {
          error: `Currency pair not supported ${symbol}`,
          method: msg.method,
          success: false,
          symbol,
          ...reqId,
          ...stamp(),
        });
        continue;
      }
      if (msg.method === "unsubscribe") {
        client.trades.delete(symbol);
        this.sendTo(client, {
          method: "unsubscribe",
          result: { channel: "trade", symbol },
          success: true,
          ...reqId,
          ...stamp(),
        });
        continue;
      }
      client.trades.add(symbol);
      this.sendTo(client, {
        method: "subscribe",
        result: { channel: "trade", snapshot, symbol },
        success: true,
        ...reqId,
        ...stamp(),
      });
      if (snapshot) {
        const recent = (this.history.get(symbol) ?? []).slice(-50);
        this.sendTo(client, { channel: "trade", type: "snapshot", data: recent.map(krakenTrade) });
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Binance: streams from the URL (`/stream?streams=a@trade/b@trade`, `/ws/a@trade`), or
  // {"method":"SUBSCRIBE","params":["btcusdt@trade"],"id":1}

  private binanceStreams(client: Client, url: URL): void {
    const streams = url.pathname.startsWith("/stream")
      ? (url.searchParams.get("streams") ?? "").split("/")
      : url.pathname.startsWith("/ws/")
        ? [url.pathname.slice(4)]
        : [];
    client.combined = url.pathname.startsWith("/stream");
    for (const stream of streams) this.binanceAdd(client, stream);
  }

  /** Binance accepts a stream of an unknown symbol and just never sends anything on it. */
  private binanceAdd(client: Client, stream: string): void {
    const m = /^([a-z0-9]+)@trade$/.exec(stream);
    if (m && this.isKnown(m[1] as string)) client.trades.add((m[1] as string).toUpperCase());
  }

  private binanceRequest(client: Client, msg: unknown) {
    if (!isRecord(msg)) {
      return this.sendTo(client, {
        error: { code: 3, msg: "Invalid JSON: expected value at line 1 column 1" },
        id: null,
      });
    }
    const id = msg.id ?? null;
    const params = strings(msg.params);
    switch (msg.method) {
      case "SUBSCRIBE":
        for (const stream of params) this.binanceAdd(client, stream);
        return this.sendTo(client, { result: null, id });
      case "UNSUBSCRIBE":
        for (const stream of params)
          client.trades.delete(stream.split("@")[0]?.toUpperCase() ?? "");
        return this.sendTo(client, { result: null, id });
      case "LIST_SUBSCRIPTIONS":
        return this.sendTo(client, {
          result: [...client.trades].map((s) => `${s.toLowerCase()}@trade`),
          id,
        });
      default:
        return this.sendTo(client, {
          error: {
            code: 2,
            msg: `Invalid request: unknown variant ${String(msg.method)}, expected one of SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS, SET_PROPERTY, GET_PROPERTY`,
          },
          id,
        });
    }
  }

  // -------------------------------------------------------------------------------------------
  // Finnhub: {"type":"subscribe","symbol":"AAPL"}, never acknowledged

  private finnhubRequest(client: Client, msg: unknown) {
    if (!isRecord(msg) || typeof msg.symbol !== "string") {
      // Not documented: Finnhub's reply to a frame it cannot read.
      return this.sendTo(client, { msg: "Invalid message", type: "error" });
    }
    if (msg.type === "unsubscribe") {
      client.trades.delete(msg.symbol);
      return;
    }
    if (msg.type !== "subscribe")
      return this.sendTo(client, { msg: "Invalid message", type: "error" });
    if (!this.isKnown(msg.symbol))
      return this.sendTo(client, { msg: `Invalid symbol ${msg.symbol}`, type: "error" });
    client.trades.add(msg.symbol);
  }

  // -------------------------------------------------------------------------------------------
  // Alpaca: {"action":"auth","key","secret"}, then {"action":"subscribe","trades":[…]}

  private alpacaRequest(client: Client, msg: unknown) {
    if (!isRecord(msg) || typeof msg.action !== "string") {
      return this.sendTo(client, [{ T: "error", code: 400, msg: "invalid syntax" }]);
    }
    if (msg.action === "auth") {
      if (client.authenticated)
        return this.sendTo(client, [{ T: "error", code: 403, msg: "already authenticated" }]);
      const keyOk = this.options.key === undefined || msg.key === this.options.key;
      const secretOk = this.options.secret === undefined || msg.secret === this.options.secret;
      if (!keyOk || !secretOk || typeof msg.key !== "string" || typeof msg.secret !== "string") {
        // Not documented: whether Alpaca closes the socket after a failed auth; the fake does.
        this.sendTo(client, [{ T: "error", code: 402, msg: "auth failed" }]);
        client.ws.close(1008, "auth failed");
        return;
      }
      client.authenticated = true;
      return this.sendTo(client, [{ T: "success", msg: "authenticated" }]);
    }
    if (msg.action !== "subscribe" && msg.action !== "unsubscribe") {
      return this.sendTo(client, [{ T: "error", code: 400, msg: "invalid syntax" }]);
    }
    if (!client.authenticated)
      return this.sendTo(client, [{ T: "error", code: 401, msg: "not authenticated" }]);
    const symbols = strings(msg.trades);
    if (symbols.some((s) => !this.isKnown(s))) {
      return this.sendTo(client, [{ T: "error", code: 400, msg: "invalid syntax" }]);
    }
    for (const s of symbols) {
      if (msg.action === "subscribe") client.trades.add(s);
      else client.trades.delete(s);
    }
    const trades = [...client.trades];
    this.sendTo(client, [
      {
        T: "subscription",
        trades,
        quotes: [],
        bars: [],
        updatedBars: [],
        dailyBars: [],
        statuses: [],
        lulds: [],
        corrections: trades,
        cancelErrors: trades,
      },
    ]);
  }
}

function coinbaseMatch(t: FakeTrade, type: "match" | "last_match", sequence: number): unknown {
  return {
    type,
    trade_id: t.id,
    sequence,
    maker_order_id: `maker-${t.id}`,
    taker_order_id: `taker-${t.id}`,
    time: microIso(t.time),
    product_id: t.product,
    size: decimal(t.size),
    price: decimal(t.price),
    side: t.id % 2 === 0 ? "buy" : "sell",
  };
}

function krakenTrade(t: FakeTrade): unknown {
  return {
    symbol: t.product,
    side: t.id % 2 === 0 ? "buy" : "sell",
    price: t.price,
    qty: t.size,
    ord_type: "limit",
    trade_id: t.id,
    timestamp: microIso(t.time),
  };
}

/** `2014-11-07T08:19:27.028000Z`: Coinbase and Kraken send microseconds. */
function microIso(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "000Z");
}

/** `2021-02-22T15:51:44.208000000Z`: Alpaca sends nanoseconds. */
function nanoIso(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "000000Z");
}

/** Prices and sizes as decimal strings, the way Coinbase and Binance send them. */
function decimal(n: number): string {
  return String(n);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}
