/**
 * The benchmark's exchange: the tests' fake Coinbase Exchange (tests/fakes/fake-exchange.ts),
 * driven on an open-loop schedule, run as a child process so that the orchestrator's own work
 * never delays a trade.
 *
 * Trade i of a product is due at `t0 + i / rate` and is stamped with that due time, whether or
 * not the feed got to send it on time, so every delay a client sees is measured from when the
 * trade should have happened. Trades are held until the orchestrator says `start` (after every
 * client is connected).
 */
import { startFakeExchange } from "../tests/fakes/fake-exchange.ts";
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
  subscribers: { request: { products: string[] }; reply: Record<string, number> };
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

exitWithParent();
const exchange = await startFakeExchange({ dialect: "coinbase", heartbeatMs: 1000 });

let schedules: Schedule[] = [];
let rate = 1;
let running = false;
let timer: ReturnType<typeof setTimeout> | null = null;
let window = { start: 0, end: 0 };
let due: Record<string, number> = {};
const lag = new Histogram();

function configure(products: string[], perSecond: number): void {
  pause();
  rate = perSecond;
  schedules = products.map((product, k) => ({
    product,
    slot: k / products.length,
    t0: 0,
    i: 0,
    price: 100 + k,
  }));
}

function start(perSecond?: number): number {
  pause();
  if (perSecond !== undefined) rate = perSecond;
  const t0 = Date.now() + 5;
  for (const s of schedules) {
    s.t0 = t0 + (s.slot * 1000) / rate;
    s.i = 0;
  }
  running = true;
  loop();
  return t0;
}

function pause(): void {
  running = false;
  if (timer) clearTimeout(timer);
  timer = null;
}

/** Sends every trade that is due, then sleeps until the next one is. */
function loop(): void {
  timer = null;
  if (!running) return;
  const period = 1000 / rate;
  const now = Date.now();
  let next = Number.POSITIVE_INFINITY;
  for (const s of schedules) {
    let at = Math.floor(s.t0 + s.i * period);
    while (at <= now) {
      trade(s, at, now);
      s.i++;
      at = Math.floor(s.t0 + s.i * period);
    }
    if (at < next) next = at;
  }
  timer = setTimeout(loop, Math.max(0, next - Date.now()));
}

function trade(s: Schedule, at: number, now: number): void {
  // A small random walk, rounded to cents like a USD book.
  s.price = Math.max(1, Math.round(s.price * (1 + (Math.random() - 0.5) * 0.001) * 100) / 100);
  exchange.trade(s.product, s.price, 0.001 + (s.i % 997) / 1000, at);
  if (at >= window.start && at < window.end) {
    due[s.product] = (due[s.product] ?? 0) + 1;
    lag.record(now - at);
  }
}

announce({ port: exchange.port });

serve((req) => {
  switch (req.command) {
    case "configure":
      configure(req.products as string[], req.rate as number);
      return null;
    case "start":
      return { t0: start(req.rate as number | undefined) };
    case "pause":
      pause();
      return null;
    case "window":
      window = { start: req.start as number, end: req.end as number };
      due = {};
      lag.reset();
      return null;
    case "counts":
      return { due: { ...due }, lag: lag.sparse() } satisfies FeedCounts;
    case "subscribers":
      return Object.fromEntries(
        (req.products as string[]).map((p) => [p, exchange.subscribers(p)]),
      );
    default:
      throw new Error(`unknown command ${req.command}`);
  }
});
