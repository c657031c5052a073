/**
 * Keeps the chart's series in step with a ticker store. A reset loads everything with
 * `setData`; after that only what changed goes in with `series.update`. It is called from
 * the store's subscription, which fires once per animation frame (see frame-batch.ts), and
 * live ticks go in at most every other frame (see drawInterval), however fast they arrive. Layers
 * (indicators, compared symbols) hear of the same bars: all of them on a reset, then each bar
 * that changed.
 */
import type { UTCTimestamp } from "lightweight-charts";
import type { Candle } from "../../party/protocol/index.ts";
import type { ChartHandles } from "./chart-setup.ts";
import type { TickerState } from "./ticker-state.ts";
import {
  aggregateCandles,
  barsSince,
  pointBar,
  TICK_WINDOW,
  type TickPoint,
  type Timeframe,
  tickPoints,
} from "./timeframes.ts";

// Lightweight Charts wants UTC seconds; fractions keep ticks of the same second apart.
const seconds = (ms: number) => (ms / 1000) as UTCTimestamp;

/**
 * Something drawn from the chart's bars besides the candles. On the tick line every point is a
 * bar whose open, high, low and close are its price.
 */
export interface ChartLayer {
  /** Every bar in the chart, oldest first: after a reset, or when the layer is attached. */
  load(bars: readonly Candle[]): void;
  /** The newest bar changed; `added` when it is a new bar after the one before. */
  bar(bar: Candle, added: boolean): void;
}

/** Narrowest bar spacing a reset zooms to, in CSS pixels. */
const MIN_BAR_PX = 6;

/**
 * Live ticks reach a chart of two panes (price and volume) at most this often (ms): thirty
 * redraws a second read as smoothly as sixty on a price chart, and every redraw repaints each
 * of its panes, which on a machine without a GPU takes a good part of a frame. The last price
 * beside the chart still changes with every frame. A snapshot goes in at once.
 */
export const DRAW_MS = 30;
/** Each pane past the first two (an indicator's own) waits this much longer between redraws. */
export const PANE_DRAW_MS = 10;

/**
 * How long live ticks wait between redraws of a chart of `panes` panes: a redraw repaints all
 * of them, so more panes redraw less often and the panes painted per second stay about the same.
 */
export function drawInterval(panes: number): number {
  return DRAW_MS + Math.max(0, panes - 2) * PANE_DRAW_MS;
}

/**
 * Past twice TICK_WINDOW points the tick line's oldest go in one `setData`, and the view stays
 * where it was. That costs about as much as a snapshot (some 30 ms with three indicators on a
 * machine without a GPU), so it is rare (every six seconds at 100 trades a second) and runs in
 * a task of its own after the frame, never on top of a redraw.
 */
const TICK_SLACK = TICK_WINDOW;

/** The newest points of the tick line, as many as it keeps. */
function recentPoints(ticks: TickerState["ticks"]): TickPoint[] {
  const points = tickPoints(ticks);
  return points.length > TICK_WINDOW ? points.slice(-TICK_WINDOW) : points;
}

export class ChartSync {
  private epoch = -1;
  private appended = 0;
  /** Time (ms) of the newest point or bar in the chart: nothing older may be updated. */
  private newest = Number.NEGATIVE_INFINITY;
  /** The newest tick point, to fold same-millisecond ticks and colour the next one. */
  private lastPoint: TickPoint | null = null;
  /** The point before it, which colours the newest point's volume bar. */
  private beforeLast: TickPoint | null = null;
  /** Points or bars in the chart after the last reset. */
  private count = 0;
  /** The state last drawn, for a layer that arrives later. */
  private latest: TickerState | null = null;
  /** When live ticks last went in; a state that comes sooner waits for a later frame. */
  private drawnAt = Number.NEGATIVE_INFINITY;
  private waiting: TickerState | null = null;
  private frame = 0;
  private trimming: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly chart: ChartHandles,
    private readonly timeframe: Timeframe,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Drops a state still waiting for its frame (the chart is going, or starting over). */
  dispose(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.waiting = null;
    if (this.trimming !== null) clearTimeout(this.trimming);
    this.trimming = null;
  }

  /** Loads everything; `keepRange` keeps the user's scroll and zoom. */
  reset(state: TickerState, keepRange = false): void {
    const { candles, line, volume, layers } = this.chart;
    this.latest = state;
    this.epoch = state.epoch;
    this.appended = state.appended;
    const ticks = this.timeframe.ms === 0;
    candles.applyOptions({ visible: !ticks });
    line.applyOptions({ visible: ticks });
    this.chart.chart.applyOptions({ timeScale: { secondsVisible: ticks } });
    let count: number;
    let bars: Candle[];
    if (ticks) {
      const points = recentPoints(state.ticks);
      candles.setData([]);
      line.setData(points.map((p) => ({ time: seconds(p.time), value: this.price(p.price) })));
      volume.setData(points.map((p, i) => this.tickVolume(p, points[i - 1])));
      this.lastPoint = points[points.length - 1] ?? null;
      this.beforeLast = points[points.length - 2] ?? null;
      this.newest = this.lastPoint?.time ?? Number.NEGATIVE_INFINITY;
      count = points.length;
      bars = layers.size > 0 ? points.map(pointBar) : [];
    } else {
      bars = aggregateCandles(state.candles, this.timeframe.ms);
      line.setData([]);
      candles.setData(bars.map((bar) => this.toBar(bar)));
      volume.setData(bars.map((bar) => this.barVolume(bar)));
      this.lastPoint = null;
      this.beforeLast = null;
      this.newest = bars[bars.length - 1]?.[0] ?? Number.NEGATIVE_INFINITY;
      count = bars.length;
    }
    this.count = count;
    if (!keepRange) this.showLatest(count);
    for (const layer of layers) layer.load(bars);
  }

  /**
   * Gives a layer attached after the last reset every bar the chart holds, so that every layer
   * holds the same bars as the chart; the chart's own series stay as they are.
   */
  load(layer: ChartLayer): void {
    const state = this.latest;
    if (!state) return;
    layer.load(
      this.timeframe.ms === 0
        ? recentPoints(state.ticks).map(pointBar)
        : aggregateCandles(state.candles, this.timeframe.ms),
    );
  }

  /** Applies what changed since the last call, now or in a frame to come. */
  apply(state: TickerState): void {
    if (state.epoch !== this.epoch) {
      this.waiting = null;
      this.replace(state);
      return;
    }
    const fresh = state.appended - this.appended;
    if (fresh <= 0) return;
    const now = this.now();
    if (now - this.drawnAt < drawInterval(this.chart.chart.panes().length)) {
      this.waiting = state;
      this.frame ||= requestAnimationFrame(() => {
        this.frame = 0;
        const waiting = this.waiting;
        this.waiting = null;
        if (waiting) this.apply(waiting);
      });
      return;
    }
    this.drawnAt = now;
    this.waiting = null;
    this.appended = state.appended;
    this.latest = state;
    if (fresh > state.ticks.length) {
      this.reset(state, true);
      return;
    }
    const ticks = state.ticks.slice(state.ticks.length - fresh);
    if (this.timeframe.ms === 0) {
      for (const point of tickPoints(ticks)) this.updateTick(point);
      if (this.count > TICK_WINDOW + TICK_SLACK) this.trimSoon();
      return;
    }
    const first = ticks[0];
    if (!first) return;
    const { candles, volume, layers } = this.chart;
    for (const bar of barsSince(state.candles, this.timeframe.ms, first[0])) {
      if (bar[0] < this.newest) continue;
      const added = bar[0] > this.newest;
      if (added) this.count++;
      candles.update(this.toBar(bar));
      volume.update(this.barVolume(bar));
      this.newest = bar[0];
      for (const layer of layers) layer.bar(bar, added);
    }
  }

  /**
   * A snapshot after the first (a reconnect, a resync after a gap, a source switch), or a tick
   * line trimmed to its window, goes in with `setData`, in place: the view keeps the same
   * distance from the newest bar, so a person watching the latest prices sees them carry on,
   * and one scrolled back stays put.
   */
  private replace(state: TickerState): void {
    if (this.newest === Number.NEGATIVE_INFINITY) {
      this.reset(state);
      return;
    }
    const timeScale = this.chart.chart.timeScale();
    const range = timeScale.getVisibleLogicalRange();
    const before = this.count;
    this.reset(state, true);
    if (range === null) return;
    const shift = this.count - before;
    if (shift !== 0)
      timeScale.setVisibleLogicalRange({ from: range.from + shift, to: range.to + shift });
  }

  /** Trims the tick line to its window in a task after this one (see TICK_WINDOW). */
  private trimSoon(): void {
    this.trimming ??= setTimeout(() => {
      this.trimming = null;
      const state = this.latest;
      // A snapshot since may have started the line over.
      if (state && this.count > TICK_WINDOW + TICK_SLACK) this.replace(state);
    }, 0);
  }

  private updateTick(point: TickPoint): void {
    const last = this.lastPoint;
    if (point.time < this.newest) return;
    let next = point;
    let previous = last;
    const added = !(last && point.time === last.time);
    if (!added) {
      // Same millisecond as the newest point: it becomes that point's latest state.
      next = { time: point.time, price: point.price, size: last.size + point.size };
      previous = this.beforeLast;
    } else {
      this.beforeLast = last;
      this.count++;
    }
    this.chart.line.update({ time: seconds(next.time), value: this.price(next.price) });
    this.chart.volume.update(this.tickVolume(next, previous ?? undefined));
    this.lastPoint = next;
    this.newest = next.time;
    if (this.chart.layers.size > 0) {
      const bar = pointBar(next);
      for (const layer of this.chart.layers) layer.bar(bar, added);
    }
  }

  /** A price as the price pane shows it: itself, or its percent change while comparing. */
  private price(value: number): number {
    return percentOf(value, this.chart.percentBase);
  }

  private toBar([start, open, high, low, close]: Candle) {
    return {
      time: seconds(start),
      open: this.price(open),
      high: this.price(high),
      low: this.price(low),
      close: this.price(close),
    };
  }

  private tickVolume(point: TickPoint, previous: TickPoint | undefined) {
    const { volumeUp, volumeDown } = this.chart.colors;
    const down = previous !== undefined && point.price < previous.price;
    return { time: seconds(point.time), value: point.size, color: down ? volumeDown : volumeUp };
  }

  private barVolume(bar: Candle) {
    const { volumeUp, volumeDown } = this.chart.colors;
    return { time: seconds(bar[0]), value: bar[5], color: bar[4] < bar[1] ? volumeDown : volumeUp };
  }

  private showLatest(count: number): void {
    // A phone shows fewer bars than a desktop, so that each stays readable; a short history
    // keeps the same spacing and starts from the right, rather than stretching a few bars wide.
    const width = this.chart.chart.chartElement().clientWidth;
    const bars = Math.max(20, Math.min(this.timeframe.visibleBars, Math.floor(width / MIN_BAR_PX)));
    this.chart.chart.timeScale().setVisibleLogicalRange({ from: count - bars, to: count + 4 });
  }
}

/** `value` as percent change from `base`; itself when there is no base. */
function percentOf(value: number, base: number | null): number {
  return base === null ? value : (value / base - 1) * 100;
}
