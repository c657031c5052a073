/** Ticker rooms: what they send, what clients may send, and push bodies. */
import * as v from "valibot";
import type { ErrorMessage, PongMessage } from "./frames.ts";
import { Ref } from "./frames.ts";
import { LIMITS, type PROTOCOL_VERSION } from "./limits.ts";
import type { Candle, Quote, Source, Tick } from "./market.ts";

/** `full` gets every tick; `quote` gets at most one quote a second (rows and tiles). */
export type TickerMode = "full" | "quote";

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

export const TickerClientMessageSchema = /* @__PURE__ */ v.variant("type", [
  v.object({ type: v.literal("ping"), ref: v.optional(Ref) }),
  v.object({ type: v.literal("resync") }),
]);
export type TickerClientMessage = v.InferOutput<typeof TickerClientMessageSchema>;

// ---------------------------------------------------------------------------------------------
// Push ingest

/* @__NO_SIDE_EFFECTS__ */
const bounded = (what: string, max: number) =>
  v.pipe(
    v.number(`${what} must be a number`),
    v.finite(`${what} must be finite`),
    v.gtValue(0, `${what} must be positive`),
    v.maxValue(max, `${what} must be at most ${max.toExponential().replace("+", "")}`),
  );

/* @__NO_SIDE_EFFECTS__ */
const epochMs = (what: string) =>
  v.pipe(
    v.number(`${what} must be a number of epoch milliseconds`),
    v.safeInteger(`${what} must be whole epoch milliseconds`),
    v.minValue(0, `${what} must not be negative`),
  );

export const TickSchema = /* @__PURE__ */ v.strictTuple(
  [epochMs("time"), bounded("price", LIMITS.pushMaxPrice), bounded("size", LIMITS.pushMaxSize)],
  "a tick is [time, price, size]",
);

/** A finished one-minute candle a bridge backfills with: `[start, open, high, low, close, volume]`. */
export const CandleSchema = /* @__PURE__ */ v.strictTuple(
  [
    epochMs("start"),
    bounded("open", LIMITS.pushMaxPrice),
    bounded("high", LIMITS.pushMaxPrice),
    bounded("low", LIMITS.pushMaxPrice),
    bounded("close", LIMITS.pushMaxPrice),
    bounded("volume", LIMITS.pushMaxSize),
  ],
  "a candle is [start, open, high, low, close, volume]",
);

const INGEST_SHAPE =
  'the body must be {"ticks": [[time, price, size], ...]}, {"candles": [[start, open, high, low, close, volume], ...]} or both';

/**
 * A push: live ticks, one-minute candles (a bridge's backfill of the day), or both. Candles
 * are an additive extension; a body with neither is refused.
 */
export const IngestBodySchema = /* @__PURE__ */ v.pipe(
  v.object(
    {
      ticks: v.optional(
        v.pipe(
          v.array(TickSchema, "ticks must be an array of [time, price, size]"),
          v.minLength(1, "ticks must hold at least one tick"),
          v.maxLength(LIMITS.pushTicks, `at most ${LIMITS.pushTicks} ticks per push`),
        ),
      ),
      candles: v.optional(
        v.pipe(
          v.array(
            CandleSchema,
            "candles must be an array of [start, open, high, low, close, volume]",
          ),
          v.minLength(1, "candles must hold at least one candle"),
          v.maxLength(LIMITS.pushCandles, `at most ${LIMITS.pushCandles} candles per push`),
        ),
      ),
    },
    INGEST_SHAPE,
  ),
  v.check((body) => body.ticks !== undefined || body.candles !== undefined, INGEST_SHAPE),
);

/**
 * `accepted`: ticks taken; `seq`: the room's counter after them (candles do not count);
 * `candles`: candles merged into the room's day, when the push had any.
 */
export type IngestReply = { accepted: number; seq: number; candles?: number };
