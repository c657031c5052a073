import { afterEach, describe, expect, it, vi } from "vitest";
import type { Candle } from "../../party/protocol/index.ts";
import type { Quote, Tick } from "../../party/protocol/market.ts";
import { type ChartLayer, ChartSync, DRAW_MS, drawInterval, PANE_DRAW_MS } from "./chart-sync.ts";
import { type FakeSeries, fakeHandles, minuteCandles } from "./studies/fake-chart.ts";
import { applyFrame, initialTickerState, type TickerState } from "./ticker-state.ts";
import { TICK_WINDOW, timeframeById } from "./timeframes.ts";

const T0 = Date.UTC(2026, 2, 9, 12, 0);
const CANDLES = minuteCandles(30, T0);
const LAST = CANDLES[CANDLES.length - 1]?.[0] ?? T0;

const quote = (price: number, time: number): Quote => ({
  price,
  open: 100,
  high: 110,
  low: 90,
  prevClose: 100,
  change: 0,
  changePct: 0,
  volume: 1,
  time,
});

const snapshot = (): TickerState =>
  applyFrame(initialTickerState("AAPL"), {
    type: "snapshot",
    v: 1,
    symbol: "AAPL",
    source: "sim",
    seq: 1,
    serverTime: LAST,
    quote: quote(100, LAST),
    candles: CANDLES,
    ticks: [[LAST, 100, 1]],
  });

const tick = (state: TickerState, t: Tick): TickerState =>
  applyFrame(state, {
    type: "ticks",
    symbol: "AAPL",
    seq: state.seq + 1,
    ticks: [t],
    quote: quote(t[1], t[0]),
  });

/** Stands in for the browser's animation frames: each waits in the list until a test runs it. */
function heldFrames(): (() => void)[] {
  const frames: (() => void)[] = [];
  vi.stubGlobal("requestAnimationFrame", (run: () => void) => frames.push(run));
  vi.stubGlobal("cancelAnimationFrame", () => undefined);
  return frames;
}

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("ChartSync", () => {
  it("puts live ticks in at most once per DRAW_MS, and the ticks held back in a later frame", () => {
    const frames = heldFrames();
    let now = 0;
    const { handles } = fakeHandles();
    const candles = handles.candles as unknown as FakeSeries;
    const sync = new ChartSync(handles, timeframeById("1m"), () => now);
    let state = snapshot();
    sync.reset(state);

    state = tick(state, [LAST + 1000, 101, 1]);
    sync.apply(state);
    expect(candles.updates).toHaveLength(1);

    // The next frame's ticks come too soon: they wait for a frame of their own.
    now += DRAW_MS / 2;
    state = tick(state, [LAST + 2000, 102, 1]);
    sync.apply(state);
    state = tick(state, [LAST + 3000, 103, 1]);
    sync.apply(state);
    expect(candles.updates).toHaveLength(1);
    expect(frames).toHaveLength(1);

    now += DRAW_MS;
    frames.shift()?.();
    // Both held-back ticks in one update of the last bar.
    expect(candles.updates).toHaveLength(2);
    expect(candles.updates.at(-1)?.close).toBe(103);
  });

  it("takes a new snapshot at once, whenever it comes", () => {
    heldFrames();
    const { handles } = fakeHandles();
    const candles = handles.candles as unknown as FakeSeries;
    const sync = new ChartSync(handles, timeframeById("1m"), () => 0);
    sync.reset(snapshot());
    const next = snapshot();
    sync.apply({ ...next, epoch: next.epoch + 1 });
    expect(candles.setDataCalls).toBe(2);
  });

  it("gives a layer attached later every bar, without drawing the chart's series again", () => {
    heldFrames();
    const { handles } = fakeHandles();
    const candles = handles.candles as unknown as FakeSeries;
    const sync = new ChartSync(handles, timeframeById("1m"), () => 0);
    sync.reset(tick(snapshot(), [LAST + 1000, 101, 1]));
    const heard: Candle[][] = [];
    const layer: ChartLayer = { load: (bars) => heard.push([...bars]), bar: () => undefined };
    handles.layers.add(layer);
    sync.load(layer);
    expect(heard).toHaveLength(1);
    expect(heard[0]?.map((bar) => bar[0])).toEqual(candles.data.map((point) => point.time * 1000));
    expect(heard[0]?.at(-1)?.[4]).toBe(101);
    expect(candles.setDataCalls).toBe(1);
  });

  it("redraws a chart with panes of its own less often, so that its panes painted per second stay about the same", () => {
    expect(drawInterval(2)).toBe(DRAW_MS);
    expect(drawInterval(4)).toBe(DRAW_MS + 2 * PANE_DRAW_MS);
    // Two panes redrawn every DRAW_MS against four every drawInterval(4): no more than half again.
    expect((4 / drawInterval(4)) * DRAW_MS).toBeLessThan(2 * 1.5);

    const frames = heldFrames();
    let now = 0;
    const { handles, chart } = fakeHandles();
    // RSI and MACD below volume.
    chart.addSeries({ kind: "line" }, {}, 2);
    chart.addSeries({ kind: "line" }, {}, 3);
    const candles = handles.candles as unknown as FakeSeries;
    const sync = new ChartSync(handles, timeframeById("1m"), () => now);
    let state = snapshot();
    sync.reset(state);
    state = tick(state, [LAST + 1000, 101, 1]);
    sync.apply(state);
    expect(candles.updates).toHaveLength(1);
    // Later than a two-pane chart would wait, sooner than a four-pane one does.
    now += DRAW_MS + 1;
    state = tick(state, [LAST + 2000, 102, 1]);
    sync.apply(state);
    expect(candles.updates).toHaveLength(1);
    now += drawInterval(4);
    frames.shift()?.();
    expect(candles.updates.at(-1)?.close).toBe(102);
  });

  it("keeps the tick line to its window: the oldest points go in one setData, after the frame, and the view stays on the same points", () => {
    vi.useFakeTimers();
    heldFrames();
    let now = 0;
    const { handles, chart } = fakeHandles();
    const line = handles.line as unknown as FakeSeries;
    const volume = handles.volume as unknown as FakeSeries;
    const heard: Candle[][] = [];
    handles.layers.add({ load: (bars) => heard.push([...bars]), bar: () => undefined });
    const sync = new ChartSync(handles, timeframeById("tick"), () => now);
    let state = snapshot();
    sync.reset(state);
    let held = line.data.length;
    let trimmed = false;
    for (let i = 1; i <= 3 * TICK_WINDOW; i++) {
      now += DRAW_MS;
      state = tick(state, [LAST + i, 100 + (i % 10), 1]);
      // Watching the newest points, as the chart keeps its view when a point comes.
      chart.range = { from: line.data.length - 300, to: line.data.length + 4 };
      const watched = line.data[chart.range.from + 290]?.time;
      sync.apply(state);
      // Never in the frame that drew the tick.
      expect(line.data.length).toBe(held + 1);
      vi.runAllTimers();
      expect(line.data.length).toBeLessThanOrEqual(TICK_WINDOW * 2 + 1);
      if (line.data.length < held) {
        trimmed = true;
        expect(line.data).toHaveLength(TICK_WINDOW);
        expect(volume.data).toHaveLength(TICK_WINDOW);
        expect(line.data.at(-1)?.time).toBe((LAST + i) / 1000);
        // The point watched is where it was on screen.
        expect(line.data[chart.range.from + 290]?.time).toBe(watched);
        // The indicators start again from the same points.
        expect(heard.at(-1)).toHaveLength(TICK_WINDOW);
      }
      held = line.data.length;
    }
    expect(trimmed).toBe(true);
  });
});
