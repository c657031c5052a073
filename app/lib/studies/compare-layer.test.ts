import { describe, expect, it } from "vitest";
import { createStore } from "zustand/vanilla";
import type { Candle, Quote, Tick } from "../../../party/protocol/market.ts";
import { ChartSync, DRAW_MS } from "../chart-sync.ts";
import { parseIndicators } from "../indicators/indicator-spec.ts";
import { applyFrame, initialTickerState, type TickerState } from "../ticker-state.ts";
import type { TickerStore } from "../ticker-store.ts";
import { timeframeById } from "../timeframes.ts";
import { ChartStudies } from "./chart-studies.ts";
import { type FakeSeries, fakeHandles, fakeLegend, minuteCandles, PALETTE } from "./fake-chart.ts";

/** Each reading is a redraw later than the one before: every apply goes in at once. */
let ticked = 0;
const clock = () => (ticked += DRAW_MS);
const T0 = Date.UTC(2026, 2, 9, 12, 0);
const MINUTE = 60_000;

const quote = (price: number, time: number): Quote => ({
  price,
  open: price,
  high: price,
  low: price,
  prevClose: price,
  change: 0,
  changePct: 0,
  volume: 1,
  time,
});

function snapshotState(symbol: string, candles: Candle[]): TickerState {
  const last = candles[candles.length - 1] as Candle;
  return applyFrame(initialTickerState(symbol), {
    type: "snapshot",
    v: 1,
    symbol,
    source: "sim",
    seq: 1,
    serverTime: last[0],
    quote: quote(last[4], last[0]),
    candles,
    ticks: [[last[0], last[4], 1]],
  });
}

const tick = (state: TickerState, t: Tick): TickerState =>
  applyFrame(state, {
    type: "ticks",
    symbol: state.symbol,
    seq: state.seq + 1,
    ticks: [t],
    quote: quote(t[1], t[0]),
  });

function setup() {
  const { handles, chart } = fakeHandles();
  const legend = fakeLegend();
  const own = snapshotState("AAPL", minuteCandles(60, T0, 100));
  const other = snapshotState("MSFT", minuteCandles(60, T0, 400));
  const store = createStore<TickerState>()(() => other) as unknown as TickerStore;
  const studies = new ChartStudies({
    handles,
    legend,
    symbol: "AAPL",
    timeframe: timeframeById("1m"),
    palette: PALETTE,
  });
  handles.layers.add(studies);
  const sync = new ChartSync(handles, timeframeById("1m"), clock);
  // The view starts at bar 10.
  chart.range = { from: 10, to: 70 };
  sync.reset(own, true);
  return { handles, chart, legend, own, store, studies, sync };
}

const close = (candles: readonly Candle[], i: number) => (candles[i] as Candle)[4];

describe("comparing symbols", () => {
  it("shows the chart's own candles and the other symbol as percent from the first bar in view", () => {
    const { handles, chart, legend, own, store, studies } = setup();
    studies.compare("MSFT", store, 0);
    const base = close(own.candles, 10);
    expect(handles.percentBase).toBe(base);
    const candles = handles.candles as unknown as FakeSeries;
    expect(candles.data[10]?.close).toBeCloseTo(0, 12);
    expect(candles.data[59]?.close).toBeCloseTo((close(own.candles, 59) / base - 1) * 100, 10);

    const msft = chart.all.at(-1) as FakeSeries;
    const msftCandles = store.getState().candles;
    const msftBase = close(msftCandles, 10);
    expect(msft.data).toHaveLength(60);
    expect(msft.data[10]?.value).toBeCloseTo(0, 12);
    expect(msft.data[59]?.value).toBeCloseTo((close(msftCandles, 59) / msftBase - 1) * 100, 10);
    expect(legend.figures.get("compare:MSFT")).toMatch(/^[+\u2212]?\d+[.,]\d\d%$/);
    expect(legend.figures.get("compare:AAPL")).toMatch(/%$/);
  });

  it("moves a compared line's last point with each of its ticks, without setData", () => {
    const { chart, store, studies } = setup();
    studies.compare("MSFT", store, 0);
    const msft = chart.all.at(-1) as FakeSeries;
    const setData = msft.setDataCalls;
    const last = store.getState().candles.at(-1) as Candle;
    store.setState(tick(store.getState(), [last[0] + 30_000, last[4] * 1.01, 1]), true);
    expect(msft.setDataCalls).toBe(setData);
    expect(msft.updates).toHaveLength(1);
    const base = close(store.getState().candles, 10);
    expect(msft.data.at(-1)?.value).toBeCloseTo(((last[4] * 1.01) / base - 1) * 100, 10);
  });

  it("draws the indicators on the candles from the same base", () => {
    const { handles, chart, own, store, studies } = setup();
    const before = chart.all.length;
    studies.setIndicators(parseIndicators("sma20"));
    const sma = chart.all[before] as FakeSeries;
    const inPrices = sma.values().at(-1) ?? Number.NaN;
    studies.compare("MSFT", store, 0);
    const base = handles.percentBase ?? Number.NaN;
    expect(base).toBe(close(own.candles, 10));
    expect(sma.values().at(-1)).toBeCloseTo((inPrices / base - 1) * 100, 10);
  });

  it("goes back to prices when the last compared symbol goes", () => {
    const { handles, own, store, studies } = setup();
    studies.compare("MSFT", store, 0);
    studies.uncompare("MSFT");
    expect(handles.percentBase).toBeNull();
    const candles = handles.candles as unknown as FakeSeries;
    expect(candles.data[59]?.close).toBe(close(own.candles, 59));
    expect(candles.options.priceFormat).toMatchObject({ type: "price", precision: 2 });
  });

  it("reads a compared symbol at the chart's own bar times", () => {
    const { chart, store, studies } = setup();
    // MSFT missed minute 30: its line keeps minute 29's close there.
    const gappy = store.getState().candles.filter((c) => c[0] !== T0 + 30 * MINUTE);
    store.setState(snapshotState("MSFT", gappy), true);
    studies.compare("MSFT", store, 0);
    const msft = chart.all.at(-1) as FakeSeries;
    expect(msft.data).toHaveLength(60);
    expect(msft.data[30]?.value).toBe(msft.data[29]?.value);
  });
});
