/**
 * What every real-market feed adapter offers. Adapters are pure: they build the frames a client
 * sends and read the frames an upstream sends, and never open a socket, so that the room (for
 * exchanges with a public socket) and the Node bridge (for feeds that allow one connection per
 * key) drive them the same way, and unit tests feed them recorded frames.
 */
import type { ExchangeName, Tick } from "../../protocol/index.ts";

export type { ExchangeName };

/** What one upstream frame meant for a room. `parse` returns one or more of these. */
export type FeedEvent =
  /**
   * Trades of the room's product, in time order. `replay` marks trades from before the
   * subscription (Kraken's snapshot, Coinbase's `last_match`): after a reconnect they repeat
   * trades the room may already hold, so keep only those after its last tick (`freshTicks`).
   */
  | { kind: "trades"; ticks: Tick[]; replay?: true }
  /** The upstream is alive but had no trade. */
  | { kind: "heartbeat" }
  /** The upstream confirmed the subscription. */
  | { kind: "subscribed" }
  /** `fatal`: retrying will not help (an unknown product, a refused key). */
  | { kind: "error"; message: string; fatal: boolean }
  | { kind: "ignore" };

/** An exchange whose public trade socket a room opens itself while it has subscribers. */
export interface ExchangeAdapter {
  name: ExchangeName;
  /** The public endpoint. */
  defaultUrl: string;
  /** The setting that overrides `defaultUrl` (tests point it at a local fake). */
  urlEnv: "COINBASE_WS_URL" | "KRAKEN_WS_URL" | "BINANCE_WS_URL";
  /** The exchange's name for a Tickerroom symbol (`BTC-USD`), or null when it has none. */
  product(symbol: string): string | null;
  /** The socket URL for one product, from the endpoint (`defaultUrl` or its override). */
  url(base: string, product: string): string;
  /**
   * Frames to send once the socket is open. Empty when the URL itself subscribes (Binance):
   * such a feed counts as subscribed as soon as the socket opens.
   */
  subscribe(product: string): string[];
  /** Reads one frame. Never throws: a malformed frame is a non-fatal error or ignored. */
  parse(frame: string, product: string): FeedEvent[];
  /** No frame for this long means the feed is stale (`stale: true` on the room's quote). */
  quietMs: number;
}

// ---------------------------------------------------------------------------------------------
// Stock feeds: one connection per key, so they run in the Node bridge (`npm run feed`), which
// pushes batches into the rooms.

export type StockFeedName = "finnhub" | "alpaca";

export type SymbolTicks = { symbol: string; ticks: Tick[] };

export type StockEvent =
  /** Trades grouped per upstream symbol, each group in arrival order. */
  | { kind: "trades"; trades: SymbolTicks[] }
  /** The upstream's welcome, before authentication (Alpaca). */
  | { kind: "connected" }
  | { kind: "authenticated" }
  /** The symbols the upstream now streams (Alpaca lists them; Finnhub never confirms). */
  | { kind: "subscribed"; symbols: string[] }
  | { kind: "heartbeat" }
  /**
   * `fatal` with a `symbol`: that symbol is refused, the others go on. `fatal` without one: the
   * whole connection is refused (a bad key). `limit`: a rate or connection limit; retry, slowly.
   */
  | { kind: "error"; message: string; fatal: boolean; symbol?: string; limit?: true }
  | { kind: "ignore" };

export type StockCredentials = { key: string; secret?: string };

/** When a stock adapter has frames to send. */
export type StockStage = "open" | "connected" | "authenticated";

/** A refusal of the socket upgrade itself (an HTTP status instead of 101). */
export type Refusal = { message: string; fatal: boolean; limit?: true };

export interface StockAdapter {
  name: StockFeedName;
  defaultUrl: string;
  urlEnv: "FINNHUB_WS_URL" | "ALPACA_WS_URL";
  /** Reads the key settings; names the missing ones. */
  credentials(
    env: Record<string, string | undefined>,
  ): { ok: true; credentials: StockCredentials } | { ok: false; missing: string[] };
  url(base: string, credentials: StockCredentials): string;
  /** The upstream's name for a Tickerroom symbol, or null when it has none. */
  symbol(symbol: string): string | null;
  /** Frames to send at each stage of the handshake. */
  frames(stage: StockStage, credentials: StockCredentials, symbols: readonly string[]): string[];
  /** Reads one frame. Never throws. */
  parse(frame: string): StockEvent[];
  /** What an HTTP status on the upgrade means. */
  refused(status: number): Refusal;
  /** No frame for this long is worth a line in the bridge's status. */
  quietMs: number;
}
