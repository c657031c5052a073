/**
 * Where a ticker room's prices come from, behind one interface: the simulator (a pure function
 * of symbol and time, pumped while somebody watches), an exchange's public trade socket (open
 * while somebody watches, with its REST history for the day or the hole the room lacks:
 * `exchange-source.ts`), or pushes (nothing runs; the room takes what is posted).
 * `chooseSource` is the one rule for which of them a room takes, on loading, on creation and on
 * a push.
 */

import { type FeedsConfig, providerFor } from "../../market/feeds.ts";
import { EXCHANGES } from "../../market/providers/registry.ts";
import {
  type PriceRange,
  priorYearRange,
  type SessionQuote,
  simulatedSessionQuote,
} from "../../market/session-quote.ts";
import { sessionDay } from "../../market/sessions/index.ts";
import { simulatedDailyCandles } from "../../market/simulated-bars.ts";
import { Simulator } from "../../market/simulator.ts";
import {
  type Candle,
  type ExchangeName,
  LIMITS,
  type Source,
  type Tick,
} from "../../protocol/index.ts";
import { setting } from "../host.ts";
import type { Clock } from "./clock.ts";
import { ExchangeSource } from "./exchange-source.ts";
import type { UpstreamStatus } from "./upstream.ts";

/** Idle longer than this, a simulated room rebuilds its day instead of walking every tick. */
const REBUILD_AFTER_MS = 10 * 60_000;
/** Days of daily bars a 52-week range reads. */
const YEAR_DAYS = 365;
/** Sizes of exchange and pushed trades keep this many decimals in the session volume. */
const FEED_VOLUME_DECIMALS = 8;

/** A stretch of history: candles, the most recent ticks, and how many ticks it held. */
export type Backfill = { candles: Candle[]; tail: Tick[]; count: number };

/** What happened since a source last advanced. */
export type Advance =
  | { kind: "idle" }
  | { kind: "ticks"; ticks: Tick[] }
  /** Too long to walk tick by tick: the day as it stands, and the ticks made since the cursor. */
  | { kind: "rebuilt"; day: Backfill; count: number };

/** How a running source reaches its room. */
export interface SourceSink {
  /** The simulator's next tick is due: the room advances, then watches again. */
  due(): void;
  /** An exchange delivered trades; `replay` marks those from before the subscription. */
  trades(ticks: Tick[], replay: boolean): void;
  /** An exchange's feed went quiet, dropped, was refused or came back. */
  status(status: UpstreamStatus): void;
  /** The start of the room's newest candle (null: none), to tell what history it lacks. */
  newestCandle(): number | null;
  /**
   * An exchange's history: finished one-minute candles, oldest first, to merge under the live
   * trades (`History.merge`); everyone gets the room again.
   */
  candles(candles: Candle[]): void;
}

export interface PriceSource {
  readonly name: Source;
  /** Every tick the source made up to this time is in the room's history. */
  readonly cursor: number;
  /** Runs a timer or a socket while watched, which the room's alarm restarts; pushes run nothing. */
  readonly runsWhileWatched: boolean;
  /** Decimals of the session volume. */
  readonly volumeDecimals: number;
  /**
   * Its history follows from time alone (the simulator): a room on it stores only the `meta` it
   * started from, once, and `resume` rebuilds the rest. Others store their history.
   */
  readonly derived: boolean;
  /** The history a room starting on this source holds: the simulated day, or nothing. */
  backfill(now: number): Backfill | null;
  /**
   * A derived source's history at `now`, for a room stored at `anchor` (its cursor then): the
   * day, with `count` the ticks made since the anchor, which the room's `seq` moved on by.
   */
  resume?(anchor: number, now: number): Backfill;
  /** What it made between its cursor and `now`, moving the cursor. */
  advance(now: number): Advance;
  /** Starts making prices for watchers; a source already running carries on. */
  watch(sink: SourceSink): void;
  /** Stops every timer and socket it holds. */
  unwatch(): void;
  /** The feed's word and whether its prices are stale; null for a source without a feed. */
  feedStatus(): UpstreamStatus | null;
  /** Where `now` stands in the symbol's trading session, for a source that knows. */
  sessionQuote?(now: number): SessionQuote | null;
  /**
   * The 52-week high and low of the sessions before `now`'s, for a source with daily history:
   * the simulator's, or the exchange's (null until it has answered). Pushed rooms have none.
   */
  priorYearRange?(now: number): PriceRange | null;
}

export type SourceOptions = {
  symbol: string;
  cursor: number;
  clock: Clock;
  env: Readonly<Record<string, unknown>>;
};

export function createSource(name: Source, options: SourceOptions): PriceSource {
  if (name === "sim") {
    const sessions = simSessions(options.env);
    return new SimSource(options.symbol, options.cursor, options.clock, sessions);
  }
  if (name === "push") return new PushSource(options.cursor);
  const adapter = EXCHANGES[name];
  const endpoints = {
    socket: setting(options.env, adapter.urlEnv) ?? adapter.defaultUrl,
    rest: setting(options.env, adapter.restUrlEnv) ?? adapter.defaultRestUrl,
  };
  const { symbol, cursor, clock } = options;
  return new ExchangeSource(adapter, symbol, cursor, endpoints, clock, FEED_VOLUME_DECIMALS);
}

/** `SIM_SESSIONS=off` trades simulated stocks around the clock, for demos and tests. */
function simSessions(env: Readonly<Record<string, unknown>>): boolean {
  return setting(env, "SIM_SESSIONS") !== "off";
}

/** The simulator a simulated room of `symbol` runs, for walking its ticks without the room. */
export function simulatorFor(symbol: string, env: Readonly<Record<string, unknown>>): Simulator {
  return new Simulator(symbol, { sessions: simSessions(env) });
}

/** The source `FEEDS` gives a symbol: an exchange, or the simulator. */
export function feedSource(symbol: string, feeds: FeedsConfig): Source {
  return (feeds.ok && providerFor(symbol, feeds.rules)) || "sim";
}

export function isExchange(source: Source): source is ExchangeName {
  return source !== "sim" && source !== "push";
}

/**
 * The source a room takes, given the one it has (null: a new room) and the one `FEEDS` wants.
 * Pushed prices stay pushed whatever `FEEDS` says later; otherwise the room follows `FEEDS`. A
 * push makes any room a push room (a new one starts as one) except a room an exchange feeds:
 * then the answer is null, and the push is refused, since a room never mixes sources.
 */
export function chooseSource(current: Source | null, wanted: Source, pushing: false): Source;
export function chooseSource(
  current: Source | null,
  wanted: Source,
  pushing: boolean,
): Source | null;
export function chooseSource(
  current: Source | null,
  wanted: Source,
  pushing: boolean,
): Source | null {
  if (current === "push") return "push";
  if (!pushing) return wanted;
  return isExchange(current ?? wanted) ? null : "push";
}

const IDLE: Advance = { kind: "idle" };

class SimSource implements PriceSource {
  readonly name = "sim";
  readonly runsWhileWatched = true;
  readonly derived = true;
  private readonly sim: Simulator;
  private timer: unknown = null;
  private session: { second: number; quote: SessionQuote | null } | null = null;
  private year: { day: number; range: PriceRange | null } | null = null;

  constructor(
    private readonly symbol: string,
    public cursor: number,
    private readonly clock: Clock,
    private readonly sessions: boolean,
  ) {
    this.sim = new Simulator(symbol, { sessions });
  }

  get volumeDecimals(): number {
    return this.sim.spec.sizeDecimals;
  }

  backfill(now: number): Backfill {
    this.cursor = now;
    return this.day(now);
  }

  resume(anchor: number, now: number): Backfill {
    const count = now > anchor ? this.sim.countBetween(anchor, now) : 0;
    return { ...this.backfill(now), count };
  }

  advance(now: number): Advance {
    const from = this.cursor;
    if (now <= from) return IDLE;
    this.cursor = now;
    if (now - from > REBUILD_AFTER_MS) {
      return { kind: "rebuilt", day: this.day(now), count: this.sim.countBetween(from, now) };
    }
    return { kind: "ticks", ticks: this.sim.ticksBetween(from, now) };
  }

  /** One timer at a time, set for the next simulated tick; the room re-arms it after each. */
  watch(sink: SourceSink): void {
    if (this.timer !== null) return;
    const wait = Math.max(0, this.sim.nextTickTime(this.cursor) - this.clock.now());
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      sink.due();
    }, wait);
  }

  unwatch(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  feedStatus(): null {
    return null;
  }

  sessionQuote(now: number): SessionQuote | null {
    // The previous close and the market's state change at session boundaries only: a quote
    // per frame need not walk the simulator again within the same second.
    const second = Math.floor(now / 1000);
    if (this.session?.second !== second) {
      this.session = { second, quote: simulatedSessionQuote(this.sim, now) };
    }
    return this.session.quote;
  }

  /**
   * From the daily bars the 1Y chart shows, computed once a session: the last month's at the
   * depth of their minutes, so that those of the last five sessions are at most a minute's swing
   * inside the chart's (which folds their ticks), and the others the chart's. That costs 6 to
   * 20 ms of CPU for a stock and 35 to 60 ms for a coin (a month of minutes around the clock),
   * once, against the 10 to 140 ms of the room's day; folding the last five sessions' ticks as
   * the chart does would cost 70 to 550 ms (`simulated-bars.ts`).
   */
  priorYearRange(now: number): PriceRange | null {
    const day = sessionDay(this.sim.calendar ? "stock" : "crypto", now);
    if (this.year?.day !== day) {
      const options = { sessions: this.sessions, exactDays: 0 };
      const daily = simulatedDailyCandles(this.symbol, day - YEAR_DAYS, now, options);
      this.year = { day, range: priorYearRange(this.sim.calendar, daily, now) };
    }
    return this.year.range;
  }

  /** The last day, or for a stock the whole session `now` belongs to (Friday's, on a Saturday). */
  private day(now: number): Backfill {
    const from = Math.min(now - LIMITS.historyMs, this.sim.historyStart(now));
    return this.sim.history(from, now, LIMITS.snapshotTicks);
  }
}

/** Pushed prices arrive by request; between requests nothing runs. */
class PushSource implements PriceSource {
  readonly name = "push";
  readonly runsWhileWatched = false;
  readonly derived = false;
  readonly volumeDecimals = FEED_VOLUME_DECIMALS;

  constructor(readonly cursor: number) {}

  backfill(): null {
    return null;
  }

  advance(): Advance {
    return IDLE;
  }

  watch(): void {}

  unwatch(): void {}

  feedStatus(): null {
    return null;
  }
}
