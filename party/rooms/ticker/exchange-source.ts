/**
 * An exchange as a room's price source: its public trade socket (`upstream.ts`) while somebody
 * watches, and, when the socket opens on a room with no history or with a hole in it, the
 * missing minutes (up to a day) from the exchange's REST API through its adapter's `history`.
 * The candles go to the room to merge under the live trades; a history request that fails
 * leaves the room live on trades alone, says so in its status, and is asked again later.
 * What to ask for and what an answer means are decided in `feed-history.ts`. Chart ranges
 * longer than a day come from the same REST API in their own interval, each kept a while
 * (`exchange-ranges.ts`), and never enter the room's history.
 */

import { noMarket, type RangeBars, RangeCache } from "../../market/exchange-ranges.ts";
import {
  backfillRange,
  HISTORY_TIMEOUT_MS,
  type HistoryState,
  historyStep,
  roomFeedStatus,
} from "../../market/feed-history.ts";
import type { ExchangeAdapter, HistoryFetch } from "../../market/providers/types.ts";
import { type PriceRange, priorYearRange } from "../../market/session-quote.ts";
import { DAY_MS } from "../../market/sessions/index.ts";
import {
  bucketStart,
  type ChartRange,
  type ExchangeName,
  type Tick,
} from "../../protocol/index.ts";
import type { Clock } from "./clock.ts";
import type { Advance, PriceSource, SourceSink } from "./sources.ts";
import { Upstream, type UpstreamStatus } from "./upstream.ts";

const CONNECTING: UpstreamStatus = { status: "connecting", stale: false };
/** After a failed ask for the 52-week range, the next waits this long, however often it is quoted. */
const YEAR_RETRY_MS = 10 * 60_000;
const IDLE: Advance = { kind: "idle" };

/** Where the exchange's endpoints are, and how to reach its REST API. */
export type ExchangeEndpoints = { socket: string; rest: string; fetch?: HistoryFetch };

/** The platform's fetch, with a deadline on every history request. */
const timedFetch: HistoryFetch = (url) =>
  fetch(url, { signal: AbortSignal.timeout(HISTORY_TIMEOUT_MS) });

export class ExchangeSource implements PriceSource {
  readonly name: ExchangeName;
  readonly runsWhileWatched = true;
  readonly derived = false;
  /** The exchange's name for the symbol; null when it lists no such market. */
  private readonly product: string | null;
  private readonly fetch: HistoryFetch;
  /** What the socket says; null before it said anything. */
  private socket: UpstreamStatus | null = null;
  private history: HistoryState = { kind: "idle" };
  /** The status last shown, so that only a change is announced. */
  private shown: UpstreamStatus | null = null;
  private upstream: Upstream | null = null;
  /** The exchange's history refused the product: nothing runs until the next watch. */
  private halted = false;
  private sink: SourceSink | null = null;
  /** Counts watches, so that an answer to a request of an earlier one is dropped. */
  private run = 0;
  private retryTimer: unknown = null;
  private failures = 0;
  /** Whether a history answer or a trade has come since the feed opened. */
  private answered = false;
  private traded = false;
  /**
   * Minutes before this came from the exchange's history: replayed trades in them (Kraken's
   * snapshot, Coinbase's `last_match`) are already counted there.
   */
  private historyTo = 0;
  /** Long chart ranges from the REST API; null without a market to ask for. */
  private readonly ranges: RangeCache | null;
  private year: { day: number; range: PriceRange | null } | null = null;
  private yearAskedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly adapter: ExchangeAdapter,
    private readonly symbol: string,
    readonly cursor: number,
    private readonly endpoints: ExchangeEndpoints,
    private readonly clock: Clock,
    readonly volumeDecimals: number,
  ) {
    this.name = adapter.name;
    this.product = adapter.product(symbol);
    this.fetch = endpoints.fetch ?? timedFetch;
    const product = this.product;
    this.ranges =
      product === null
        ? null
        : new RangeCache(
            (request) =>
              adapter.history({ ...request, product, base: endpoints.rest, fetch: this.fetch }),
            () => clock.now(),
          );
  }

  /**
   * The exchange's bars of a chart range longer than a day, whether or not anyone watches:
   * fetched at most once while kept, however many read it.
   */
  rangeBars(range: ChartRange): Promise<RangeBars> {
    return this.ranges?.get(range) ?? Promise.resolve(noMarket(this.missingMarket()));
  }

  /**
   * From the exchange's daily candles of 1Y (the answer `rangeBars` keeps for the chart), asked
   * for once a UTC day while the room is quoted: null until the exchange has answered, and the
   * day before's range until the new day's answer is in. A failed ask waits before the next.
   */
  priorYearRange(now: number): PriceRange | null {
    const day = Math.floor(now / DAY_MS);
    if (this.year?.day !== day && now - this.yearAskedAt >= YEAR_RETRY_MS) {
      this.yearAskedAt = now;
      this.rangeBars("1y").then(
        (bars) => {
          if (!bars.ok) return;
          // A kept answer from before midnight has yesterday unfinished: used, and asked again.
          const fetched = Math.floor(bars.fetchedAt / DAY_MS);
          this.year = { day: fetched, range: priorYearRange(false, bars.candles, now) };
        },
        () => {},
      );
    }
    return this.year?.range ?? null;
  }

  backfill(): null {
    return null;
  }

  advance(): Advance {
    return IDLE;
  }

  watch(sink: SourceSink): void {
    const product = this.product;
    // A refused product stays refused while watched; the next watch asks again.
    if (product === null || this.upstream || this.halted) return;
    this.sink = sink;
    const run = ++this.run;
    this.socket = null;
    this.history = { kind: "idle" };
    this.answered = false;
    this.traded = false;
    this.failures = 0;
    this.upstream = new Upstream(this.adapter, product, this.endpoints.socket, {
      ticks: (ticks, replay) => this.trades(sink, ticks, replay),
      status: (status) => {
        this.socket = status;
        this.publish();
      },
    });
    const range = backfillRange(sink.newestCandle(), this.clock.now());
    if (range) this.askSafely(run, product, range.from);
    this.upstream.start();
  }

  unwatch(): void {
    this.run++;
    this.upstream?.stop();
    this.upstream = null;
    this.sink = null;
    if (this.retryTimer !== null) this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.halted = false;
    this.shown = null;
  }

  feedStatus(): UpstreamStatus {
    if (this.product === null) return { status: `refused: ${this.missingMarket()}`, stale: true };
    return roomFeedStatus(
      this.socket ?? CONNECTING,
      this.history,
      this.adapter.confirmsProduct,
      this.traded,
    );
  }

  private trades(sink: SourceSink, ticks: Tick[], replay: boolean): void {
    this.traded = true;
    const kept = replay ? ticks.filter((t) => t[0] >= this.historyTo) : ticks;
    if (kept.length > 0) sink.trades(kept, replay);
    this.publish();
  }

  /** `ask`, whose failure (the room's, since the adapter never throws) is logged, not thrown. */
  private askSafely(run: number, product: string, from: number): void {
    this.ask(run, product, from).catch((err: unknown) => {
      console.error(`${this.name} history of ${this.symbol} could not be merged`, err);
    });
  }

  /** Asks for the minutes from `from` up to the current one, and acts on the answer. */
  private async ask(run: number, product: string, from: number): Promise<void> {
    this.retryTimer = null;
    const to = bucketStart(this.clock.now());
    // A retry keeps saying history is unavailable until it has arrived.
    if (this.history.kind !== "unavailable") {
      this.history = { kind: "loading", first: !this.answered };
      this.publish();
    }
    const result = await this.adapter.history({
      product,
      from,
      to,
      base: this.endpoints.rest,
      fetch: this.fetch,
    });
    const sink = this.sink;
    if (run !== this.run || !sink) return;
    this.answered = true;
    const step = historyStep(result, this.failures);
    this.failures = step.state.kind === "unavailable" ? this.failures + 1 : 0;
    if (step.candles.length > 0) {
      this.historyTo = Math.max(this.historyTo, to);
      sink.candles(step.candles);
    }
    this.history = step.state;
    if (step.state.kind === "refused") {
      // Nothing the socket brings can be shown: an unknown product is not a quiet market.
      this.upstream?.stop();
      this.upstream = null;
      this.halted = true;
    } else if (step.retryInMs !== null) {
      if (step.state.kind === "unavailable") {
        console.warn(`${this.name} history of ${this.symbol}: ${step.state.message}`);
      }
      this.retryTimer = this.clock.setTimeout(
        () => this.askSafely(run, product, from),
        step.retryInMs,
      );
    }
    this.publish();
  }

  private missingMarket(): string {
    return `${this.name} has no market for ${this.symbol}`;
  }

  /** Tells the room when the status it shows changed. */
  private publish(): void {
    const next = this.feedStatus();
    const shown = this.shown;
    if (shown && shown.status === next.status && shown.stale === next.stale) return;
    this.shown = next;
    this.sink?.status(next);
  }
}
