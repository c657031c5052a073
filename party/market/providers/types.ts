/**
 * What every real-market feed adapter offers. Adapters are pure: they build the frames a client
 * sends and read the frames an upstream sends, and never open a socket, so that the room (for
 * exchanges with a public socket) and the Node bridge (for feeds that allow one connection per
 * key) drive them the same way, and unit tests feed them recorded frames.
 */
import type { Candle, ExchangeName, RangeInterval, Tick } from "../../protocol/index.ts";

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

/**
 * Fetches one URL, with the headers a provider's key travels in (Alpaca's). Injected, so that a
 * room passes its platform's `fetch` and a test its own.
 */
export type HistoryFetch = (
  url: string,
  init?: { headers: Record<string, string> },
) => Promise<Response>;

export type HistoryRequest = {
  /** The exchange's name for the product, as `product()` gives it. */
  product: string;
  /**
   * The bars asked for: one-minute candles (the default, a room's day) or the coarser bars of a
   * chart range. An exchange that lacks the interval fetches the nearest finer one it has and
   * folds it (Coinbase's and Kraken's weeks are their days, from Monday).
   */
  interval?: RangeInterval;
  /**
   * Epoch milliseconds: bars that start in [from, to). Every exchange also answers the bar
   * still in progress, so a `to` at the current minute's start keeps only finished minutes, and
   * a `to` just after now includes the bar in progress. Ranges longer than one request reaches
   * (`HISTORY_MAX_MS` of minutes, `HISTORY_MAX_BARS` of other bars) keep their most recent part.
   */
  from: number;
  to: number;
  /** The REST endpoint: `defaultRestUrl` or its override. */
  base: string;
  fetch: HistoryFetch;
};

/** What a history request brought. Candles are bars of the interval asked, oldest first, one per bar. */
export type HistoryResult =
  /**
   * Bars without a trade have no candle, as in a room's own history. `coveredFrom` is where
   * the answer begins to speak for the range: later than `from` when the exchange keeps less
   * (Kraken serves only its last 720 bars of an interval), so that an empty stretch before it is
   * not taken for a quiet market.
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
   * Bars of the product over a range (one-minute candles unless another interval is asked),
   * fetched page by page within the exchange's limits, one request at a time. Never throws:
   * every failure is a result.
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

/** A stock feed's bars request: the bridge's key, and the stream it reads trades from. */
export type StockHistoryRequest = HistoryRequest & {
  credentials: StockCredentials;
  /** The stream's URL (`ALPACA_WS_URL`), which names the feed its bars come from. */
  streamUrl: string;
};

export interface StockAdapter {
  name: StockFeedName;
  defaultUrl: string;
  urlEnv: "FINNHUB_WS_URL" | "ALPACA_WS_URL";
  /** The REST endpoint that serves bars, and the setting that overrides it. */
  defaultRestUrl: string;
  restUrlEnv: "FINNHUB_REST_URL" | "ALPACA_REST_URL";
  /**
   * One-minute bars of a symbol (its upstream name) over a range, page by page. The bridge
   * backfills a room with them on start and after a gap. Never throws: every failure is a result.
   */
  history(request: StockHistoryRequest): Promise<HistoryResult>;
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
