/** Versions, limits, error codes and close codes shared by every room and client. */
export const PROTOCOL_VERSION = 1;

/** Limits shared by every room. */
export const LIMITS = {
  /** Largest client frame, in bytes of UTF-8. */
  frameBytes: 4096,
  /** Client frames per connection per second, on average, before `rate_limited`. */
  framesPerSecond: 20,
  /** Frames a connection may send at once, on top of the average. */
  frameBurst: 40,
  /** Refused frames within `floodWindowMs` at which a connection is closed with 1008. */
  floodRefusals: 100,
  floodWindowMs: 10_000,
  /** Ticks per push request. */
  pushTicks: 1000,
  /** One-minute candles per push request: a day of them. */
  pushCandles: 1440,
  /** Largest push body, in bytes. */
  pushBytes: 256 * 1024,
  /** Largest price a pushed tick may carry; prices are in (0, pushMaxPrice]. */
  pushMaxPrice: 1e9,
  /** Largest size a pushed tick may carry; sizes are in (0, pushMaxSize]. */
  pushMaxSize: 1e12,
  /** How far ahead of the server's clock a pushed tick's time may be. */
  pushAheadMs: 60_000,
  /** Ticks carried by a snapshot. */
  snapshotTicks: 500,
  /** History kept by a ticker room. */
  historyMs: 24 * 60 * 60 * 1000,
  /** Quote-mode subscribers get at most one frame per this many ms. */
  quoteIntervalMs: 1000,
  /** Symbols per watchlist. */
  watchlistSymbols: 50,
  /** Sockets one client may hold in one room. */
  socketsPerClient: 20,
  /** Lists one client may create per minute. */
  listsPerMinute: 10,
  /** Rooms that did not exist yet one client may open per minute. */
  newRoomsPerMinute: 60,
} as const;

/** Error codes carried by `error` frames and HTTP error bodies. */
export const ErrorCode = {
  badMessage: "bad_message",
  tooLarge: "too_large",
  rateLimited: "rate_limited",
  badSymbol: "bad_symbol",
  badRequest: "bad_request",
  unauthorized: "unauthorized",
  forbidden: "forbidden",
  notFound: "not_found",
  conflict: "conflict",
  full: "full",
  methodNotAllowed: "method_not_allowed",
  internal: "internal_error",
  timeout: "timeout",
  /** HTTP 502: an exchange a room fetches from failed, or does not list the product. */
  upstream: "upstream_error",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The close code for a connection that keeps flooding (policy violation). */
export const CLOSE_POLICY = 1008;
