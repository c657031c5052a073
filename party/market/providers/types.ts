/**
 * What every real-market feed adapter offers. Adapters are pure: they build the frames a client
 * sends and read the frames an upstream sends, and never open a socket, so that the room (for
 * exchanges with a public socket) and the Node bridge (for feeds that allow one connection per
 * key) drive them the same way, and unit tests feed them recorded frames.
 */
import type { Candle, ExchangeName, Tick } from "../../protocol/index.ts";

export type { ExchangeName };

/** What one upstream frame meant for a room. `parse` returns one or more of these. */
export type FeedEvent =
  /**
   * Trades of the room's product, in time order. `replay` marks trades from before the
   * subscription (Kraken's snapshot, Coinbase's `last_match`): after a reconnect they repeat
   * trades the room may already hold, so keep only those after its last tick (`freshTicks`).
   */
  | { kind: "trades"; ticks: Tick[]; replay?: true }
  /**
   * The upstream is alive but had no trade. It does not confirm the subscription: `subscribed`
   * does, and so does a trade of the product.
   */
  | { kind: "heartbeat" }
  /** The upstream confirmed the subscription. */
  | { kind: "subscribed" }
  /**
   * What the upstream says of itself, for the room to show and act on. `maintenance`: connected
   * but not trading (Kraken's engine in `maintenance`, `cancel_only` or `post_only` matches no
   * orders), so silence is expected and says nothing of the socket; `online`: trading again.
   * `closing`: the server is about to drop this connection (Binance's `serverShutdown`); a new
   * one opened now avoids the gap.
   */
  | { kind: "status"; status: "online" | "maintenance" | "closing"; message: string }
  /** `fatal`: retrying will not help (an unknown product, a refused key). */
  | { kind: "error"; message: string; fatal: boolean }
  | { kind: "ignore" };

/** Fetches one URL. Injected, so that a room passes its platform's `fetch` and a test its own. */
export type HistoryFetch = (url: string) => Promise<Response>;

export type HistoryRequest = {
  /** The exchange's name for the product, as `product()` gives it. */
  product: string;
  /**
   * Epoch milliseconds: candles whose minute starts in [from, to). Every exchange also answers
   * the minute still in progress, so a `to` at the current minute's start keeps only finished
   * ones. Ranges longer than `HISTORY_MAX_MS` keep their most recent part.
   */
  from: number;
  to: number;
  /** The REST endpoint: `defaultRestUrl` or its override. */
  base: string;
  fetch: HistoryFetch;
};

/** What a history request brought. Candles are one-minute, oldest first, one per minute. */
export type HistoryResult =
  /**
   * Minutes without a trade have no candle, as in a room's own history. `coveredFrom` is where
   * the answer begins to speak for the range: later than `from` when the exchange keeps less
   * (Kraken serves only its last 720 minutes), so that an empty stretch before it is not taken
   * for a quiet market.
   */
  | { kind: "candles"; candles: Candle[]; coveredFrom: number }
  /** The exchange refused the product (an unknown symbol): retrying will not help. */
  | { kind: "refused"; message: string }
  /**
   * A rate limit: ask again after `retryAfterMs`. `candles` holds the pages that arrived before
   * it, oldest first (possibly none).
   */
  | { kind: "limited"; message: string; retryAfterMs: number; candles: Candle[] }
  /** A failure that may pass (network, a server error, an unreadable answer). */
  | { kind: "failed"; message: string; candles: Candle[] };

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
   * Frames to send once the socket is open. The feed is live once `parse` reads the exchange's
   * confirmation (`subscribed`) or a trade, never on the socket opening alone.
   */
  subscribe(product: string): string[];
  /**
   * Whether the exchange refuses a subscription to a product it does not list. Binance does
   * not (the stream just stays silent): only its history request tells an unknown symbol, so a
   * room waits for that answer, or a trade, before it says `live`.
   */
  confirmsProduct: boolean;
  /** Reads one frame. Never throws: a malformed frame is a non-fatal error or ignored. */
  parse(frame: string, product: string): FeedEvent[];
  /** No frame for this long means the feed is stale (`stale: true` on the room's quote). */
  quietMs: number;
  /** The public REST endpoint that serves history. */
  defaultRestUrl: string;
  /** The setting that overrides `defaultRestUrl` (tests point it at a local fake). */
  restUrlEnv: "COINBASE_REST_URL" | "KRAKEN_REST_URL" | "BINANCE_REST_URL";
  /**
   * One-minute candles of the product over a range, fetched page by page within the exchange's
   * limits, one request at a time. Never throws: every failure is a result.
   */
  history(request: HistoryRequest): Promise<HistoryResult>;
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
