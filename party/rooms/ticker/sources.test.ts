import { describe, expect, it } from "vitest";
import { FakeClock } from "../../../tests/helpers/fake-room.ts";
import { parseFeeds } from "../../market/feeds.ts";
import { Simulator } from "../../market/simulator.ts";
import { LIMITS, type Source } from "../../protocol/index.ts";
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
