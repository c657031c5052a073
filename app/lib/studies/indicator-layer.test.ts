import { afterEach, describe, expect, it, vi } from "vitest";
import type { Quote, Tick } from "../../../party/protocol/market.ts";
import { ChartSync, drawInterval } from "../chart-sync.ts";
import { BarIndicator, indicatorSeries } from "../indicators/indicator.ts";
import { parseIndicators } from "../indicators/indicator-spec.ts";
import { Rsi } from "../indicators/rsi.ts";
import { Sma } from "../indicators/sma.ts";
import { applyFrame, initialTickerState, type TickerState } from "../ticker-state.ts";
import { aggregateCandles, timeframeById } from "../timeframes.ts";
import {
  type FakeChart,
  type FakeSeries,
  fakeHandles,
  fakeLegend,
  minuteCandles,
  PALETTE,
} from "./fake-chart.ts";
import { IndicatorLayer } from "./indicator-layer.ts";

/** Each reading is a redraw later than the one before: every apply goes in at once. */
let ticked = 0;
const clock = () => (ticked += drawInterval(8));
const T0 = Date.UTC(2026, 2, 9, 12, 0);
const CANDLES = minuteCandles(120, T0);
const LAST = CANDLES[CANDLES.length - 1]?.[0] ?? T0;

const quote = (price: number, time: number): Quote => ({
  price,
  open: 100,
  high: 110,
  low: 90,
  prevClose: 100,
  change: price - 100,
  changePct: price - 100,
  volume: 1,
  time,
});

function loaded(): TickerState {
  return applyFrame(initialTickerState("AAPL"), {
    type: "snapshot",
    v: 1,
    symbol: "AAPL",
    source: "sim",
    seq: 1,
    serverTime: LAST,
    quote: quote(100, LAST),
    candles: CANDLES,
    ticks: [[LAST, CANDLES[CANDLES.length - 1]?.[4] ?? 100, 1]],
  });
}

function tick(state: TickerState, t: Tick): TickerState {
  return applyFrame(state, {
    type: "ticks",
    symbol: "AAPL",
    seq: state.seq + 1,
    ticks: [t],
    quote: quote(t[1], t[0]),
  });
}

/** The series an indicator added, in the order they were made. */
const added = (chart: FakeChart, from: number) => chart.all.slice(from);

function setup(ind: string) {
  const { handles, chart } = fakeHandles();
  const legend = fakeLegend();
  const layer = new IndicatorLayer(handles, legend, PALETTE);
  handles.layers.add(layer);
  const sync = new ChartSync(handles, timeframeById("1m"), clock);
  let state = loaded();
  sync.reset(state);
  const before = chart.all.length;
  layer.setSpecs(parseIndicators(ind));
  const series = added(chart, before);
  return {
    chart,
    legend,
    series,
    get state() {
      return state;
    },
    apply(t: Tick) {
      state = tick(state, t);
      sync.apply(state);
    },
    sync,
    handles,
    layer,
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("indicators on the chart", () => {
  it("compute over the chart's bars once, when chosen", () => {
    const { series, legend } = setup("sma20,rsi14");
    const [sma, rsi] = series as [FakeSeries, FakeSeries];
    const want = indicatorSeries(new Sma(20), CANDLES).filter((v) => v !== undefined);
    expect(sma.values()).toEqual(want);
    expect(sma.setDataCalls).toBe(1);
    const rsiWant = indicatorSeries(new Rsi(14), CANDLES);
    expect(rsi.values().at(-1)).toBeCloseTo(rsiWant.at(-1) ?? Number.NaN, 10);
    expect(legend.figures.get("rsi14")).toBe((rsiWant.at(-1) ?? 0).toFixed(2));
  });

  it("take each tick with one update of the last bar and one series.update per line", () => {
    const run = setup("sma20,rsi14,macd");
    const update = vi.spyOn(BarIndicator.prototype, "update");
    const push = vi.spyOn(BarIndicator.prototype, "push");
    const setData = run.series.map((s) => s.setDataCalls);

    run.apply([LAST + 20_000, 101.5, 2]);
    expect(update).toHaveBeenCalledTimes(3);
    expect(push).not.toHaveBeenCalled();
    // SMA and RSI draw one line each, MACD three.
    for (const s of run.series) expect(s.updates).toHaveLength(1);
    expect(run.series.map((s) => s.setDataCalls)).toEqual(setData);

    // A tick in the next minute starts a bar: one push each.
    run.apply([LAST + 61_000, 101.7, 1]);
    expect(push).toHaveBeenCalledTimes(3);
    expect(run.series.map((s) => s.setDataCalls)).toEqual(setData);

    // Live values are what a fresh run over the bars gives.
    const bars = aggregateCandles(run.state.candles, 60_000);
    const smaWant = indicatorSeries(new Sma(20), bars);
    expect(run.series[0]?.values().at(-1)).toBeCloseTo(smaWant.at(-1) ?? Number.NaN, 10);
    const rsiWant = indicatorSeries(new Rsi(14), bars);
    expect(run.series[1]?.values().at(-1)).toBeCloseTo(rsiWant.at(-1) ?? Number.NaN, 10);
  });

  it("give RSI and MACD panes of their own below volume, in the URL's order", () => {
    const { chart, layer } = setup("macd");
    const macdPane = chart.all.at(-1)?.getPane();
    expect(macdPane?.paneIndex()).toBe(2);
    layer.setSpecs(parseIndicators("rsi14,macd"));
    const rsiPane = chart.all.at(-1)?.getPane();
    expect(rsiPane?.paneIndex()).toBe(2);
    expect(macdPane?.paneIndex()).toBe(3);
    expect(layer.ownPanes).toBe(2);
    layer.setSpecs(parseIndicators("macd"));
    expect(chart.panes()).toHaveLength(3);
    expect(macdPane?.paneIndex()).toBe(2);
  });

  it("start over with setData once on a new timeframe", () => {
    const run = setup("sma20");
    const sma = run.series[0] as FakeSeries;
    const sync = new ChartSync(run.handles, timeframeById("5m"), clock);
    sync.reset(run.state);
    expect(sma.setDataCalls).toBe(2);
    const bars = aggregateCandles(run.state.candles, 5 * 60_000);
    expect(sma.values()).toEqual(indicatorSeries(new Sma(20), bars).filter((v) => v !== undefined));
  });

  it("follow the tick line point by point", () => {
    const run = setup("sma20");
    const sync = new ChartSync(run.handles, timeframeById("tick"), clock);
    let state = run.state;
    for (let i = 1; i <= 30; i++) state = tick(state, [LAST + i * 100, 100 + i / 10, 1]);
    sync.reset(state);
    const sma = run.series[0] as FakeSeries;
    const updates = sma.updates.length;
    state = tick(state, [LAST + 3100, 105, 1]);
    sync.apply(state);
    expect(sma.updates).toHaveLength(updates + 1);
    const prices = state.ticks.slice(-20).map((t) => t[1]);
    expect(sma.values().at(-1)).toBeCloseTo(prices.reduce((a, b) => a + b, 0) / 20, 10);
  });

  it("leave the chart as they found it when removed", () => {
    const { chart, layer } = setup("sma20,bb20,rsi14,macd");
    expect(chart.panes()).toHaveLength(4);
    layer.setSpecs([]);
    expect(chart.panes()).toHaveLength(2);
    expect(chart.paneList.flatMap((p) => p.series)).toHaveLength(3);
  });
});
