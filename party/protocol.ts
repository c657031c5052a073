/**
 * The Tickerroom wire protocol, version 1: the one module that the rooms and the app both
 * import. `docs/protocol.md` documents it for third-party clients; the two never disagree.
 */
import * as v from "valibot";

export const PROTOCOL_VERSION = 1;

/** Limits shared by every room. */
export const LIMITS = {
  /** Largest client frame, in bytes of UTF-8. */
  frameBytes: 4096,
  /** Client frames per connection per second before `rate_limited`. */
  framesPerSecond: 20,
  /** Frames in one second at which a flooding connection is closed with 1008. */
  floodClose: 60,
  /** Ticks per push request. */
  pushTicks: 1000,
  /** Largest push body, in bytes. */
  pushBytes: 256 * 1024,
  /** Ticks carried by a snapshot. */
  snapshotTicks: 500,
  /** History kept by a ticker room. */
  historyMs: 24 * 60 * 60 * 1000,
  /** Quote-mode subscribers get at most one frame per this many ms. */
  quoteIntervalMs: 1000,
  /** Symbols per watchlist. */
  watchlistSymbols: 50,
} as const;

export const CANDLE_MS = 60_000;

/** The start of the bucket of `size` ms that holds `time` (a candle's start for `CANDLE_MS`). */
export function bucketStart(time: number, size = CANDLE_MS): number {
  return time - (((time % size) + size) % size);
}

export const SYMBOL_PATTERN = /^[A-Z0-9][A-Z0-9.-]{0,14}$/;
export const WATCHLIST_ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

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
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The close code for a connection that keeps flooding (policy violation). */
export const CLOSE_POLICY = 1008;

// ---------------------------------------------------------------------------------------------
// Names

export type SymbolCheck =
  | { ok: true; symbol: string }
  | { ok: false; message: string; canonical?: string };

/**
 * Checks a symbol as it appears in a room id or a form. Only the canonical form (trimmed,
 * upper case) is accepted as a room id; anything that would canonicalise to a valid symbol
 * gets a message naming it.
 */
export function checkSymbol(raw: string): SymbolCheck {
  const canonical = canonicalSymbol(raw);
  if (canonical === null) {
    return {
      ok: false,
      message: `"${clip(raw)}" is not a symbol: use 1 to 15 letters, digits, dots or dashes, e.g. AAPL, BRK.B or BTC-USD`,
    };
  }
  if (canonical !== raw) {
    return { ok: false, canonical, message: `symbols are upper case: use ${canonical}` };
  }
  return { ok: true, symbol: raw };
}

/** The canonical form of a symbol (trimmed, upper case), or null when it cannot be one. */
export function canonicalSymbol(raw: string): string | null {
  const canonical = raw.trim().toUpperCase();
  return SYMBOL_PATTERN.test(canonical) ? canonical : null;
}

export function isWatchlistId(raw: string): boolean {
  return WATCHLIST_ID_PATTERN.test(raw);
}

function clip(text: string): string {
  return text.length > 24 ? `${text.slice(0, 24)}…` : text;
}

// ---------------------------------------------------------------------------------------------
// Market data shapes

/** `[time, price, size]` */
export type Tick = [time: number, price: number, size: number];
/** `[start, open, high, low, close, volume]`, one-minute buckets. */
export type Candle = [
  start: number,
  open: number,
  high: number,
  low: number,
  close: number,
  volume: number,
];

/** Index of the candle starting at `start`, or the bitwise complement of where it would go. */
export function findCandle(candles: readonly Candle[], start: number): number {
  const last = candles[candles.length - 1];
  // Live ticks almost always land in the newest candle or just after it.
  if (last === undefined || start > last[0]) return ~candles.length;
  if (start === last[0]) return candles.length - 1;
  let lo = 0;
  let hi = candles.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const s = (candles[mid] as Candle)[0];
    if (s === start) return mid;
    if (s < start) lo = mid + 1;
    else hi = mid - 1;
  }
  return ~lo;
}

export type Quote = {
  price: number;
  open: number;
  high: number;
  low: number;
  prevClose: number;
  change: number;
  changePct: number;
  volume: number;
  time: number;
  /** A real feed has gone quiet past its heartbeat. */
  stale?: true;
};

/** `sim`, `push`, or a provider name such as `coinbase`. */
export type Source = string;

export type Snapshot = {
  type: "snapshot";
  v: typeof PROTOCOL_VERSION;
  symbol: string;
  source: Source;
  seq: number;
  serverTime: number;
  quote: Quote | null;
  candles: Candle[];
  ticks: Tick[];
  status?: string;
  /** Quote mode only: a close per 15 minutes of the last 24 hours, for sparklines. */
  spark?: number[];
};

export type TicksMessage = {
  type: "ticks";
  symbol: string;
  seq: number;
  ticks: Tick[];
  quote: Quote;
};

export type QuoteMessage = {
  type: "quote";
  symbol: string;
  seq: number;
  quote: Quote;
  status?: string;
};

export type ErrorMessage = {
  type: "error";
  code: ErrorCode;
  message: string;
  ref?: string;
};

export type PongMessage = { type: "pong"; ref?: string; serverTime: number };

/** A real feed's state changed: it went quiet, dropped, was refused, or came back. */
export type StatusMessage = { type: "status"; symbol: string; status: string; stale: boolean };

/** Everything a ticker room sends. */
export type TickerServerMessage =
  | Snapshot
  | TicksMessage
  | QuoteMessage
  | ErrorMessage
  | PongMessage
  | StatusMessage;

// ---------------------------------------------------------------------------------------------
// Client to ticker room: nothing is required. Additive extensions: `ping` for clients that
// measure their clock offset and round trip, `resync` for a fresh snapshot after a gap.

const Ref = /* @__PURE__ */ v.pipe(v.string(), v.maxLength(64));

export const TickerClientMessageSchema = /* @__PURE__ */ v.variant("type", [
  v.object({ type: v.literal("ping"), ref: v.optional(Ref) }),
  v.object({ type: v.literal("resync") }),
]);
export type TickerClientMessage = v.InferOutput<typeof TickerClientMessageSchema>;

// ---------------------------------------------------------------------------------------------
// Push ingest

/* @__NO_SIDE_EFFECTS__ */
const positive = (what: string) =>
  v.pipe(
    v.number(`${what} must be a number`),
    v.finite(`${what} must be finite`),
    v.gtValue(0, `${what} must be positive`),
  );

export const TickSchema = /* @__PURE__ */ v.strictTuple(
  [
    v.pipe(
      v.number("time must be a number of epoch milliseconds"),
      v.safeInteger("time must be whole epoch milliseconds"),
      v.minValue(0, "time must not be negative"),
    ),
    positive("price"),
    positive("size"),
  ],
  "a tick is [time, price, size]",
);

export const IngestBodySchema = /* @__PURE__ */ v.object(
  {
    ticks: v.pipe(
      v.array(TickSchema, "ticks must be an array of [time, price, size]"),
      v.minLength(1, "ticks must hold at least one tick"),
      v.maxLength(LIMITS.pushTicks, `at most ${LIMITS.pushTicks} ticks per push`),
    ),
  },
  'the body must be {"ticks": [[time, price, size], ...]}',
);

export type IngestReply = { accepted: number; seq: number };
export type HttpError = { error: { code: ErrorCode; message: string } };

// ---------------------------------------------------------------------------------------------
// Parsing client frames

export type FrameCheck<T> =
  | { ok: true; value: T }
  | { ok: false; code: ErrorCode; message: string };

/**
 * Parses one client frame against a schema: size first (so a huge frame is never parsed),
 * then JSON, then shape. Never throws.
 */
export function parseFrame<T>(
  schema: v.GenericSchema<unknown, T>,
  frame: string | ArrayBuffer | ArrayBufferView,
): FrameCheck<T> {
  if (typeof frame !== "string") {
    const bytes = frame.byteLength;
    return bytes > LIMITS.frameBytes
      ? tooLarge(bytes)
      : { ok: false, code: ErrorCode.badMessage, message: "frames must be JSON text" };
  }
  const bytes = utf8Length(frame);
  if (bytes > LIMITS.frameBytes) return tooLarge(bytes);
  let json: unknown;
  try {
    json = JSON.parse(frame);
  } catch {
    return { ok: false, code: ErrorCode.badMessage, message: "frame is not valid JSON" };
  }
  const result = v.safeParse(schema, json);
  if (result.success) return { ok: true, value: result.output };
  return { ok: false, code: ErrorCode.badMessage, message: describeIssues(result.issues, json) };
}

function tooLarge(bytes: number): FrameCheck<never> {
  return {
    ok: false,
    code: ErrorCode.tooLarge,
    message: `frame is ${bytes} bytes; the limit is ${LIMITS.frameBytes}`,
  };
}

/** The UTF-8 length of a string, counted without encoding it. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
      // A surrogate pair is one code point of four bytes.
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** A short readable account of why a value failed a schema. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[], input?: unknown): string {
  const issue = issues[0];
  if (!issue) return "invalid message";
  const type = (input as { type?: unknown } | null)?.type;
  if (issue.kind === "schema" && issue.path?.length === 1 && issue.path[0]?.key === "type") {
    return typeof type === "string"
      ? `unknown message type "${clip(type)}"`
      : "message has no type";
  }
  const path = v.getDotPath(issue);
  return path ? `${path}: ${issue.message}` : issue.message;
}

// ---------------------------------------------------------------------------------------------
// Watchlist rooms

export const NAME_LIMITS = { list: 80, display: 40 } as const;

export type Role = "editor" | "viewer";
export type User = { id: string; name: string; color: string };
export type PresenceUser = User & { role: Role; focus: string | null };

export type WatchlistView = { id: string; name: string; symbols: string[]; version: number };

export type StateMessage = WatchlistView & {
  type: "state";
  v: typeof PROTOCOL_VERSION;
  role: Role;
  you: User;
};
export type PresenceMessage = { type: "presence"; users: PresenceUser[] };
export type AckMessage = { type: "ack"; ref: string; version: number };

/** Everything a watchlist room sends. */
export type WatchlistServerMessage =
  | StateMessage
  | PresenceMessage
  | AckMessage
  | ErrorMessage
  | PongMessage;

const SymbolField = /* @__PURE__ */ v.pipe(
  v.string("symbol must be a string"),
  v.check(
    (s) => SYMBOL_PATTERN.test(s),
    (issue) => {
      const canonical = canonicalSymbol(String(issue.input));
      return canonical
        ? `symbols are upper case: use ${canonical}`
        : `"${clip(String(issue.input))}" is not a symbol such as AAPL, BRK.B or BTC-USD`;
    },
  ),
);
const IndexField = /* @__PURE__ */ v.pipe(
  v.number("index must be a number"),
  v.safeInteger("index must be a whole number"),
  v.minValue(0, "index must not be negative"),
);
const ListNameField = /* @__PURE__ */ v.pipe(
  v.string("name must be a string"),
  v.trim(),
  v.minLength(1, "name must not be empty"),
  v.maxLength(NAME_LIMITS.list, `name must be at most ${NAME_LIMITS.list} characters`),
);
const OptionalRef = /* @__PURE__ */ v.optional(Ref);

/** Any frame's `ref`, read from a frame refused for other reasons so its error can echo it. */
export const RefCarrierSchema = /* @__PURE__ */ v.looseObject({ ref: OptionalRef });

export const WatchlistClientMessageSchema = /* @__PURE__ */ v.variant("type", [
  v.object({
    type: v.literal("add"),
    symbol: SymbolField,
    index: v.optional(IndexField),
    ref: OptionalRef,
  }),
  v.object({ type: v.literal("remove"), symbol: SymbolField, ref: OptionalRef }),
  v.object({ type: v.literal("move"), symbol: SymbolField, index: IndexField, ref: OptionalRef }),
  v.object({ type: v.literal("rename"), name: ListNameField, ref: OptionalRef }),
  v.object({ type: v.literal("focus"), symbol: v.nullable(SymbolField), ref: OptionalRef }),
  v.object({ type: v.literal("ping"), ref: OptionalRef }),
]);
export type WatchlistClientMessage = v.InferOutput<typeof WatchlistClientMessageSchema>;
export type WatchlistEdit = Extract<
  WatchlistClientMessage,
  { type: "add" | "remove" | "move" | "rename" }
>;

const CREATE_SHAPE = 'the body must be {"name"?: string, "symbols"?: [symbol, ...]}';

/** valibot's `object` lets arrays through, so a plain-object check comes first. */
export const CreateWatchlistSchema = /* @__PURE__ */ v.pipe(
  v.custom<Record<string, unknown>>(
    (x) => typeof x === "object" && x !== null && !Array.isArray(x),
    CREATE_SHAPE,
  ),
  v.object(
    {
      name: v.optional(ListNameField),
      symbols: v.optional(
        v.pipe(
          v.array(SymbolField, "symbols must be an array of symbols"),
          v.maxLength(
            LIMITS.watchlistSymbols,
            `a list holds at most ${LIMITS.watchlistSymbols} symbols`,
          ),
        ),
      ),
    },
    CREATE_SHAPE,
  ),
);
/**
 * What a watchlist looks like after an edit: the server-authoritative reducer, which clients
 * also run to show their own edits at once. Each edit is an intent (add AAPL, move TSLA to 0)
 * that is idempotent, so one sent twice, or after someone else did the same, changes nothing
 * the second time.
 */
export type EditResult =
  | { ok: true; list: WatchlistView; changed: boolean }
  | { ok: false; code: ErrorCode; message: string };

export function applyEdit(list: WatchlistView, edit: WatchlistEdit, role: Role): EditResult {
  if (role !== "editor") {
    return {
      ok: false,
      code: ErrorCode.forbidden,
      message: "this is a view link: ask for the edit link to make changes",
    };
  }
  const { symbols } = list;
  switch (edit.type) {
    case "add": {
      if (symbols.includes(edit.symbol)) return unchanged(list);
      if (symbols.length >= LIMITS.watchlistSymbols) {
        return {
          ok: false,
          code: ErrorCode.full,
          message: `a list holds at most ${LIMITS.watchlistSymbols} symbols`,
        };
      }
      const at = Math.min(edit.index ?? symbols.length, symbols.length);
      return changed(list, {
        symbols: [...symbols.slice(0, at), edit.symbol, ...symbols.slice(at)],
      });
    }
    case "remove": {
      if (!symbols.includes(edit.symbol)) return unchanged(list);
      return changed(list, { symbols: symbols.filter((s) => s !== edit.symbol) });
    }
    case "move": {
      const from = symbols.indexOf(edit.symbol);
      if (from < 0) {
        return {
          ok: false,
          code: ErrorCode.notFound,
          message: `${edit.symbol} is not in this list`,
        };
      }
      const to = Math.min(edit.index, symbols.length - 1);
      if (to === from) return unchanged(list);
      const rest = symbols.filter((s) => s !== edit.symbol);
      return changed(list, { symbols: [...rest.slice(0, to), edit.symbol, ...rest.slice(to)] });
    }
    case "rename": {
      if (edit.name === list.name) return unchanged(list);
      return changed(list, { name: edit.name });
    }
  }
}

function unchanged(list: WatchlistView): EditResult {
  return { ok: true, list, changed: false };
}

function changed(list: WatchlistView, patch: Partial<WatchlistView>): EditResult {
  return { ok: true, list: { ...list, ...patch, version: list.version + 1 }, changed: true };
}

export type CreateWatchlist = v.InferOutput<typeof CreateWatchlistSchema>;
export type CreatedWatchlist = { id: string; editKey: string };

export const DisplayNameSchema = /* @__PURE__ */ v.pipe(
  v.string(),
  v.trim(),
  v.minLength(1, "display names must not be empty"),
  v.maxLength(NAME_LIMITS.display, `display names are at most ${NAME_LIMITS.display} characters`),
);
