/**
 * Working together on a list's charts: shared price alerts, shared drawings (horizontal levels
 * and trend lines), live crosshairs, and the list's activity. The shapes, the limits, and the
 * frames both ways; `watchlist.ts` puts the client frames into the list's one union.
 */
import * as v from "valibot";
import { LIMITS } from "./limits.ts";
import { OptionalRef, SymbolField } from "./watchlist-fields.ts";

/** Bounds on what a list holds and how often crosshairs leave. */
export const COLLAB_LIMITS = {
  /** Alerts one list holds, fired ones included (`full` beyond). */
  alertsPerList: 100,
  /** Alerts one list holds on one symbol (`full` beyond). */
  alertsPerSymbol: 20,
  /** Drawings one list holds (`full` beyond). */
  drawingsPerList: 200,
  /** Drawings one list holds on one symbol (`full` beyond). */
  drawingsPerSymbol: 20,
  /** Events a list keeps in its activity: the last ones. */
  activityEvents: 200,
  /** Least time between two `crosshairs` frames of one list: ten a second at most. */
  crosshairMinIntervalMs: 100,
  /** Most time between them while crosshairs move: one a second, however many people. */
  crosshairMaxIntervalMs: 1000,
  /** The interval grows by this much per person on the list. */
  crosshairMsPerPerson: 20,
} as const;

export const ALERT_WHENS = ["above", "below", "change-above", "change-below"] as const;
export type AlertWhen = (typeof ALERT_WHENS)[number];

/** An alert as everyone on the list sees it, in `state.alerts`. */
export type AlertView = {
  id: string;
  symbol: string;
  when: AlertWhen;
  /** A price for `above`/`below`, a day's change in percent for `change-*`. */
  value: number;
  /** The display name of whoever set it. */
  by: string;
  /** False once it fired: it stays listed until someone removes it. */
  armed: boolean;
  /** The time of the tick that fired it. */
  firedAt?: number;
  firedPrice?: number;
};

export type PricePoint = { time: number; price: number };

type DrawingBase = {
  id: string;
  symbol: string;
  /** The author's display name and presence colour when it was drawn. */
  by: string;
  color: string;
};
export type LevelDrawing = DrawingBase & { kind: "level"; price: number };
export type TrendDrawing = DrawingBase & { kind: "trend"; from: PricePoint; to: PricePoint };
/** A drawing on one symbol's chart, in `state.drawings`. */
export type Drawing = LevelDrawing | TrendDrawing;
export type DrawingKind = Drawing["kind"];

/** One person's crosshair (`user` is the `id` of their presence), or that it is gone. */
export type Crosshair =
  | { user: string; symbol: string; time: number; price: number }
  | { user: string; symbol: null };

/** What happened to the list, by whom (a display name) and when (the server's clock). */
export type ActivityEvent = { seq: number; at: number; by: string } & (
  | { kind: "added"; symbols: string[] }
  | { kind: "removed"; symbol: string }
  | { kind: "moved"; symbol: string; index: number }
  | { kind: "renamed"; name: string }
  | { kind: "alert-set"; alertId: string; symbol: string; when: AlertWhen; value: number }
  | { kind: "alert-removed"; alertId: string; symbol: string }
  /** `by` is whoever set the alert; `time` and `price` are the firing tick's. */
  | { kind: "alert-fired"; alertId: string; symbol: string; price: number; time: number }
  | { kind: "drawing-added"; drawingId: string; symbol: string; drawing: DrawingKind }
  | { kind: "drawing-removed"; drawingId: string; symbol: string }
);
export type ActivityKind = ActivityEvent["kind"];

// -----------------------------------------------------------------------------------------------
// Server to client

/** An alert fired: to everyone on the list, once. */
export type FiredMessage = {
  type: "fired";
  alertId: string;
  symbol: string;
  price: number;
  time: number;
};
/** The crosshairs that moved (or went) since the last frame: at most one entry per person. */
export type CrosshairsMessage = { type: "crosshairs"; crosshairs: Crosshair[] };
/** The list's last events, oldest first: right after the first `state` of a connection. */
export type ActivityMessage = { type: "activity"; events: ActivityEvent[] };
/** One new event, to everyone on the list, once it is stored. */
export type EventMessage = { type: "event"; event: ActivityEvent };
/** The answer to `alert` and to `draw`, sent with or without a `ref`: the new item's id. */
export type AlertAckMessage = { type: "ack"; ref?: string; version: number; alertId: string };
export type DrawingAckMessage = { type: "ack"; ref?: string; version: number; drawingId: string };

export type CollabServerMessage =
  | FiredMessage
  | CrosshairsMessage
  | ActivityMessage
  | EventMessage
  | AlertAckMessage
  | DrawingAckMessage;

// -----------------------------------------------------------------------------------------------
// Client to server

/** Alert and drawing ids, as the room makes them. */
export const ITEM_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

const AlertIdField = /* @__PURE__ */ v.pipe(
  v.string("alertId must be a string"),
  v.regex(ITEM_ID_PATTERN, "alertId is not an id this room made"),
);
const DrawingIdField = /* @__PURE__ */ v.pipe(
  v.string("drawingId must be a string"),
  v.regex(ITEM_ID_PATTERN, "drawingId is not an id this room made"),
);

const PriceField = /* @__PURE__ */ v.pipe(
  v.number("price must be a number"),
  v.finite("price must be a finite number"),
  v.gtValue(0, "price must be greater than 0"),
  v.maxValue(LIMITS.pushMaxPrice, `price must be at most ${LIMITS.pushMaxPrice}`),
);
const TimeField = /* @__PURE__ */ v.pipe(
  v.number("time must be a number"),
  v.safeInteger("time must be whole epoch milliseconds"),
  v.minValue(0, "time must not be negative"),
);
const PointField = /* @__PURE__ */ v.object(
  { time: TimeField, price: PriceField },
  "a point is {time, price}",
);
const SAME_TIMES = "a trend line needs two points at different times";

export const AlertFrame = /* @__PURE__ */ v.object({
  type: v.literal("alert"),
  symbol: SymbolField,
  when: v.picklist(ALERT_WHENS, "when must be one of above, below, change-above, change-below"),
  value: v.pipe(v.number("value must be a number"), v.finite("value must be a finite number")),
  ref: OptionalRef,
});

export const UnalertFrame = /* @__PURE__ */ v.object({
  type: v.literal("unalert"),
  alertId: AlertIdField,
  ref: OptionalRef,
});

/** A `draw` frame as the room reads it: a level, or a trend line. */
export type DrawMessage =
  | { type: "draw"; symbol: string; kind: "level"; price: number; ref?: string }
  | { type: "draw"; symbol: string; kind: "trend"; from: PricePoint; to: PricePoint; ref?: string };

// One object with the fields of both kinds, checked together: valibot runs no pipe of a variant
// nested in the list's variant, so a nested `kind` variant could not check the trend's times.
export const DrawFrame = /* @__PURE__ */ v.pipe(
  v.object({
    type: v.literal("draw"),
    symbol: SymbolField,
    kind: v.picklist(["level", "trend"], 'kind must be "level" or "trend"'),
    price: v.optional(PriceField),
    from: v.optional(PointField),
    to: v.optional(PointField),
    ref: OptionalRef,
  }),
  v.check(
    (f) =>
      f.kind === "level"
        ? f.price !== undefined && f.from === undefined && f.to === undefined
        : f.price === undefined && f.from !== undefined && f.to !== undefined,
    'a level takes "price", a trend line "from" and "to"',
  ),
  v.check(
    (f) => f.from === undefined || f.to === undefined || f.from.time !== f.to.time,
    SAME_TIMES,
  ),
  v.transform(({ type, symbol, kind, price, from, to, ref }): DrawMessage => {
    const tail = ref === undefined ? {} : { ref };
    return kind === "level"
      ? { type, symbol, kind, price: price as number, ...tail }
      : { type, symbol, kind, from: from as PricePoint, to: to as PricePoint, ...tail };
  }),
);

/** New geometry for a drawing: a level's `price`, or a trend line's `from` and `to`. */
export type DrawingMove = { price: number } | { from: PricePoint; to: PricePoint };

export const RedrawFrame = /* @__PURE__ */ v.pipe(
  v.object({
    type: v.literal("redraw"),
    drawingId: DrawingIdField,
    price: v.optional(PriceField),
    from: v.optional(PointField),
    to: v.optional(PointField),
    ref: OptionalRef,
  }),
  v.check(
    (f) =>
      f.price !== undefined
        ? f.from === undefined && f.to === undefined
        : f.from !== undefined && f.to !== undefined,
    'redraw takes "price" for a level, or "from" and "to" for a trend line',
  ),
  v.check(
    (f) => f.from === undefined || f.to === undefined || f.from.time !== f.to.time,
    SAME_TIMES,
  ),
  v.transform(({ type, drawingId, price, from, to, ref }) => ({
    type,
    drawingId,
    to: (price !== undefined ? { price } : { from, to }) as DrawingMove,
    ...(ref === undefined ? {} : { ref }),
  })),
);

export const UndrawFrame = /* @__PURE__ */ v.object({
  type: v.literal("undraw"),
  drawingId: DrawingIdField,
  ref: OptionalRef,
});

/** Where a crosshair is: on a symbol's chart at a time and a price. */
export type CrosshairAt = { symbol: string; time: number; price: number };

const CrosshairPrice = /* @__PURE__ */ v.pipe(
  v.number("price must be a number"),
  v.finite("price must be a finite number"),
  v.minValue(-LIMITS.pushMaxPrice, `price must be at least -${LIMITS.pushMaxPrice}`),
  v.maxValue(LIMITS.pushMaxPrice, `price must be at most ${LIMITS.pushMaxPrice}`),
);

export const CrosshairFrame = /* @__PURE__ */ v.pipe(
  v.object({
    type: v.literal("crosshair"),
    symbol: v.nullable(SymbolField),
    time: v.optional(TimeField),
    price: v.optional(CrosshairPrice),
    ref: OptionalRef,
  }),
  v.check(
    (f) => f.symbol === null || (f.time !== undefined && f.price !== undefined),
    "a crosshair on a chart needs its time and price",
  ),
  v.transform(({ type, symbol, time, price, ref }) => ({
    type,
    at: symbol === null ? null : ({ symbol, time, price } as CrosshairAt),
    ...(ref === undefined ? {} : { ref }),
  })),
);
