import { describe, expect, it } from "vitest";
import { FakeClock } from "../../../tests/helpers/fake-room.ts";
import { parseFeeds } from "../../market/feeds.ts";
import { EXCHANGES } from "../../market/providers/registry.ts";
import { Simulator } from "../../market/simulator.ts";
import { LIMITS, type Source } from "../../protocol/index.ts";
import { ExchangeSource } from "./exchange-source.ts";
import { chooseSource, createSource, feedSource, type SourceSink } from "./sources.ts";

const START = Date.UTC(2026, 9, 14, 15, 7, 23, 417);
const SYMBOL = "DOGE-USD";

const quiet: SourceSink = {
  due: () => {},
  trades: () => {},
  status: () => {},
  newestCandle: () => null,
  candles: () => {},
};

describe("chooseSource", () => {
  const cases: [current: Source | null, wanted: Source, pushing: boolean, taken: Source | null][] =
    [
      // Loading and creating follow FEEDS...
      [null, "sim", false, "sim"],
      [null, "coinbase", false, "coinbase"],
      ["sim", "kraken", false, "kraken"],
      ["coinbase", "sim", false, "sim"],
      // ...except that pushed prices stay, whatever FEEDS says now.
      ["push", "sim", false, "push"],
      ["push", "binance", false, "push"],
      // A push makes a simulated or a new room a push room, and is refused where an exchange feeds.
      [null, "sim", true, "push"],
      ["sim", "sim", true, "push"],
      ["push", "sim", true, "push"],
      [null, "coinbase", true, null],
      ["kraken", "kraken", true, null],
    ];
  it.each(cases)("has %s (FEEDS wants %s, push: %s) take %s", (current, wanted, pushing, taken) => {
    expect(chooseSource(current, wanted, pushing)).toBe(taken);
  });

  it("reads what FEEDS wants, and the simulator for the rest or a bad setting", () => {
    const feeds = parseFeeds("BTC-USD=coinbase,*-USD=kraken");
    expect(feedSource("BTC-USD", feeds)).toBe("coinbase");
    expect(feedSource("SOL-USD", feeds)).toBe("kraken");
    expect(feedSource("AAPL", feeds)).toBe("sim");
    expect(feedSource("BTC-USD", parseFeeds("BTC-USD=nowhere"))).toBe("sim");
  });
});

describe("the simulator as a source", () => {
  const options = (clock: FakeClock) => ({ symbol: SYMBOL, cursor: START, clock, env: {} });

  it("starts a room on the day up to now", () => {
    const clock = new FakeClock(START);
    const source = createSource("sim", options(clock));
    const day = source.backfill(START);
    expect(day).toEqual(
      new Simulator(SYMBOL).history(START - LIMITS.historyMs, START, LIMITS.snapshotTicks),
    );
    expect(source.cursor).toBe(START);
  });

  it("walks the ticks since its cursor, each once", () => {
    const sim = new Simulator(SYMBOL);
    const source = createSource("sim", options(new FakeClock(START)));
    expect(source.advance(START)).toEqual({ kind: "idle" });
    expect(source.advance(START + 3000)).toEqual({
      kind: "ticks",
      ticks: sim.ticksBetween(START, START + 3000),
    });
    expect(source.advance(START + 3000)).toEqual({ kind: "idle" });
    expect(source.cursor).toBe(START + 3000);
  });

  it("rebuilds the day after a long idle instead of walking an hour of ticks", () => {
    const sim = new Simulator(SYMBOL);
    const source = createSource("sim", options(new FakeClock(START)));
    const later = START + 3_600_000;
    const step = source.advance(later);
    expect(step.kind).toBe("rebuilt");
    if (step.kind !== "rebuilt") return;
    expect(step.count).toBe(sim.countBetween(START, later));
    expect(step.day.tail.at(-1)).toEqual(sim.lastTickAt(later));
  });

  it("is due at its next tick while watched, once per watch, and never once unwatched", () => {
    const clock = new FakeClock(START);
    const source = createSource("sim", options(clock));
    const due: number[] = [];
    const sink = { ...quiet, due: () => due.push(clock.now()) };
    source.watch(sink);
    source.watch(sink);
    expect(clock.pending).toBe(1);
    clock.advance(5000);
    expect(due).toEqual([new Simulator(SYMBOL).nextTickTime(START)]);
    source.watch(sink);
    source.unwatch();
    clock.advance(5000);
    expect(due).toHaveLength(1);
    expect(clock.pending).toBe(0);
  });
});

describe("an exchange as a source", () => {
  it("says so, stale, when the exchange has no market for the symbol, and opens nothing", () => {
    const clock = new FakeClock(START);
    const source = createSource("coinbase", { symbol: "AAPL", cursor: START, clock, env: {} });
    expect(source.name).toBe("coinbase");
    expect(source.feedStatus()).toEqual({
      status: "refused: coinbase has no market for AAPL",
      stale: true,
    });
    source.watch(quiet);
    source.unwatch();
    expect(source.backfill(START)).toBeNull();
    expect(source.advance(START + 60_000)).toEqual({ kind: "idle" });
  });

  it("is connecting, not stale, before its feed has said anything", () => {
    const source = createSource("kraken", {
      symbol: "SOL-USD",
      cursor: START,
      clock: new FakeClock(START),
      env: {},
    });
    expect(source.feedStatus()).toEqual({ status: "connecting", stale: false });
    expect(source.runsWhileWatched).toBe(true);
  });
});

describe("an exchange's 52-week range", () => {
  const DAY = 86_400_000;
  /** Coinbase's product candles, `[time s, low, high, open, close, volume]`, newest first: a
   * bar's high and low rise day by day, so the 52 weeks' high is yesterday's, its low the first
   * day's, and older bars are lower still. */
  function coinbaseDaily(url: URL): unknown[] {
    const start = Date.parse(url.searchParams.get("start") ?? "");
    const end = Date.parse(url.searchParams.get("end") ?? "");
    const rows: unknown[] = [];
    for (let t = Math.floor(end / DAY) * DAY; t >= start; t -= DAY) {
      const n = (t - (Math.floor(START / DAY) - 400) * DAY) / DAY;
      rows.push([t / 1000, 10 + n / 10, 100 + n, 60, 70, 1]);
    }
    return rows;
  }

  function exchange(answer: (url: URL) => Response) {
    const clock = new FakeClock(START);
    const asked: URL[] = [];
    const fetch = async (raw: string) => {
      const url = new URL(raw);
      asked.push(url);
      return answer(url);
    };
    const endpoints = { socket: "ws://127.0.0.1:9", rest: "http://rest.test", fetch };
    const source = new ExchangeSource(EXCHANGES.coinbase, "BTC-USD", START, endpoints, clock, 8);
    return { source, clock, asked };
  }

  /** Lets the answers in flight settle: the next turns of the event loop, a bounded number. */
  async function settled(until: () => boolean = () => false): Promise<void> {
    for (let turn = 0; turn < 50 && !until(); turn++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  it("reads the daily candles before today once, and keeps them for every frame of the day", async () => {
    const { source, clock, asked } = exchange((url) => Response.json(coinbaseDaily(url)));
    expect(source.priorYearRange(START)).toBeNull();
    await settled(() => source.priorYearRange(START) !== null);
    const daily = asked.filter((u) => u.searchParams.get("granularity") === "86400");
    expect(daily.length).toBeGreaterThan(0);
    // Yesterday's high, and the low of the day 364 days ago: not today's, nor older ones.
    const today = Math.floor(START / DAY);
    const n = (day: number) => day - (today - 400);
    expect(source.priorYearRange(START)).toEqual({
      high: 100 + n(today - 1),
      low: 10 + n(today - 364) / 10,
    });
    const before = asked.length;
    for (let i = 0; i < 100; i++) source.priorYearRange(START + i * 1000);
    clock.advance(DAY - (START % DAY) - 1);
    source.priorYearRange(clock.now());
    await settled();
    expect(asked).toHaveLength(before);
    // A new UTC day asks again.
    clock.advance(1);
    source.priorYearRange(clock.now());
    await settled();
    expect(asked.length).toBeGreaterThan(before);
  });

  it("asks no more than once in ten minutes while the exchange fails, however often quoted", async () => {
    const { source, clock, asked } = exchange(() => new Response("down", { status: 500 }));
    source.priorYearRange(START);
    await settled();
    const once = asked.length;
    expect(once).toBeGreaterThan(0);
    for (let i = 0; i < 100; i++) {
      clock.advance(5000);
      expect(source.priorYearRange(clock.now())).toBeNull();
    }
    await settled();
    expect(asked).toHaveLength(once);
    clock.advance(100_000);
    source.priorYearRange(clock.now());
    await settled();
    expect(asked.length).toBeGreaterThan(once);
  });
});

describe("pushes as a source", () => {
  it("runs nothing and makes nothing", () => {
    const clock = new FakeClock(START);
    const source = createSource("push", { symbol: SYMBOL, cursor: START, clock, env: {} });
    expect(source.runsWhileWatched).toBe(false);
    expect(source.backfill(START)).toBeNull();
    source.watch(quiet);
    expect(clock.pending).toBe(0);
    expect(source.advance(START + 60_000)).toEqual({ kind: "idle" });
    expect(source.feedStatus()).toBeNull();
  });
});
