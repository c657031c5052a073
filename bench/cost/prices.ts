/**
 * Cloudflare's published prices for what Tickerroom runs on: the Workers Paid plan (Standard
 * usage model) and SQLite-backed Durable Objects, in US dollars. Each figure names the page it
 * comes from and the day it was read there. Included amounts are per account and per month: the
 * model subtracts them from the whole account's usage, never per room.
 *
 * What costs nothing, from the same pages:
 * - outgoing WebSocket messages, and incoming WebSocket protocol pings;
 * - auto-response messages (`setWebSocketAutoResponse`), which wake nothing;
 * - a hibernated socket while nothing happens on it: an object that is idle and eligible for
 *   hibernation is not billed for duration, even before the runtime hibernates it;
 * - requests to static assets, subrequests a Worker makes, WebSocket messages routed through a
 *   Worker, data transfer and bandwidth.
 *
 * And what costs more than it looks: each `setAlarm()` is billed as a row written, each alarm
 * that runs as a request; deletes are rows written; the key-value API (`get`, `put`, `delete`,
 * `list`) on a SQLite-backed object is billed in rows; an outgoing socket, a pending `fetch()` or
 * a timer keeps an object awake (an outbound socket for up to 15 minutes per operation).
 */

export const DO_PRICING = "https://developers.cloudflare.com/durable-objects/platform/pricing/";
export const WORKERS_PRICING = "https://developers.cloudflare.com/workers/platform/pricing/";
/** The day the figures below were last compared with those pages. */
export const CHECKED = "2026-12-01";

export type Price = {
  what: string;
  unit: string;
  /** Dollars for every `per` units beyond the included amount. */
  dollars: number;
  per: number;
  /** Units included per account per month. */
  included: number;
  /**
   * The billable amount is rounded up to a whole `per` before it is priced, as every worked
   * example on the Durable Objects page does ("(rounded) 3,000,000 requests x $0.15 / 1,000,000").
   * The Workers page's examples do not round.
   */
  roundsUp: boolean;
  source: string;
  checked: string;
};

/** The Workers Paid plan's monthly minimum, which includes every allowance below. */
export const PLAN = {
  what: "Workers Paid plan",
  dollarsPerMonth: 5,
  source: WORKERS_PRICING,
  checked: CHECKED,
} as const;

/**
 * Incoming WebSocket messages are billed 20 to one request ("100 WebSocket incoming messages
 * would be charged as 5 requests"); opening the socket is one request.
 */
export const WS_MESSAGES_PER_REQUEST = 20;

/**
 * Duration bills 128 MB per awake object whatever it uses. The page's worked examples turn that
 * into GB-s as "1,000,000 seconds * 128 MB / 1 GB = 128,000 GB-s", that is 0.128 GB, not the
 * 0.125 of 128 MiB in GiB: the model follows the examples.
 */
export const GB_PER_AWAKE_OBJECT = 0.128;

export const PRICES = {
  workerRequests: {
    what: "Worker requests",
    unit: "requests",
    dollars: 0.3,
    per: 1e6,
    included: 10e6,
    roundsUp: false,
    source: WORKERS_PRICING,
    checked: CHECKED,
  },
  workerCpu: {
    what: "Worker CPU time",
    unit: "CPU ms",
    dollars: 0.02,
    per: 1e6,
    included: 30e6,
    roundsUp: false,
    source: WORKERS_PRICING,
    checked: CHECKED,
  },
  objectRequests: {
    what: "Durable Object requests",
    unit: "requests",
    dollars: 0.15,
    per: 1e6,
    included: 1e6,
    roundsUp: true,
    source: DO_PRICING,
    checked: CHECKED,
  },
  duration: {
    what: "Durable Object duration",
    unit: "GB-s",
    dollars: 12.5,
    per: 1e6,
    included: 400_000,
    roundsUp: true,
    source: DO_PRICING,
    checked: CHECKED,
  },
  rowsRead: {
    what: "SQLite rows read",
    unit: "rows",
    dollars: 0.001,
    per: 1e6,
    included: 25e9,
    roundsUp: false,
    source: DO_PRICING,
    checked: CHECKED,
  },
  rowsWritten: {
    what: "SQLite rows written",
    unit: "rows",
    dollars: 1,
    per: 1e6,
    included: 50e6,
    roundsUp: false,
    source: DO_PRICING,
    checked: CHECKED,
  },
  storage: {
    what: "SQLite stored data",
    unit: "GB-month",
    dollars: 0.2,
    per: 1,
    included: 5,
    roundsUp: false,
    source: DO_PRICING,
    checked: CHECKED,
  },
} as const satisfies Record<string, Price>;

export type PriceName = keyof typeof PRICES;
export type Prices = Record<PriceName, Price>;
