/**
 * Keeps the chart's series in step with a ticker store. A reset loads everything with
 * `setData`; after that only what changed goes in with `series.update`. It is called from
 * the store's subscription, which fires once per animation frame (see frame-batch.ts), so the
 * chart redraws at most once per frame however fast ticks arrive.
 */
import type { UTCTimestamp } from "lightweight-charts";
import type { Candle } from "../../party/protocol/index.ts";
import type { ChartHandles } from "./chart-setup.ts";
import type { TickerState } from "./ticker-state.ts";
import {
  aggregateCandles,
  barsSince,
  type TickPoint,
  type Timeframe,
  tickPoints,
} from "./timeframes.ts";

// Lightweight Charts wants UTC seconds; fractions keep ticks of the same second apart.
const seconds = (ms: number) => (ms / 1000) as UTCTimestamp;

/** Narrowest bar spacing a reset zooms to, in CSS pixels. */
const MIN_BAR_PX = 6;

export class ChartSync {
  private epoch = -1;
  private appended = 0;
  /** Time (ms) of the newest point or bar in the chart: nothing older may be updated. */
  private newest = Number.NEGATIVE_INFINITY;
  /** The newest tick point, to fold same-millisecond ticks and colour the next one. */
  private lastPoint: TickPoint | null = null;
  /** The point before it, which colours the newest point's volume bar. */
  private beforeLast: TickPoint | null = null;

  constructor(
    private readonly chart: ChartHandles,
    private readonly timeframe: Timeframe,
  ) {}

  /** Loads everything; `keepRange` keeps the user's scroll and zoom. */
  reset(state: TickerState, keepRange = false): void {
    const { candles, line, volume } = this.chart;
    this.epoch = state.epoch;
    this.appended = state.appended;
    const ticks = this.timeframe.ms === 0;
    candles.applyOptions({ visible: !ticks });
    line.applyOptions({ visible: ticks });
    this.chart.chart.applyOptions({ timeScale: { secondsVisible: ticks } });
    let count: number;
    if (ticks) {
      const points = tickPoints(state.ticks);
      candles.setData([]);
      line.setData(points.map((p) => ({ time: seconds(p.time), value: p.price })));
      volume.setData(points.map((p, i) => this.tickVolume(p, points[i - 1])));
      this.lastPoint = points[points.length - 1] ?? null;
      this.beforeLast = points[points.length - 2] ?? null;
      this.newest = this.lastPoint?.time ?? Number.NEGATIVE_INFINITY;
      count = points.length;
    } else {
      const bars = aggregateCandles(state.candles, this.timeframe.ms);
      line.setData([]);
      candles.setData(bars.map(toBar));
      volume.setData(bars.map((bar) => this.barVolume(bar)));
      this.lastPoint = null;
      this.beforeLast = null;
      this.newest = bars[bars.length - 1]?.[0] ?? Number.NEGATIVE_INFINITY;
      count = bars.length;
    }
    if (!keepRange) this.showLatest(count);
  }

  /** Applies what changed since the last call. */
  apply(state: TickerState): void {
    if (state.epoch !== this.epoch) {
      // A snapshot after a reconnect holds the same bars: keep the user's view of them. The
      // tick line is rebuilt from a different window of ticks, so it goes back to the latest.
      const sameBars = this.timeframe.ms > 0 && this.newest !== Number.NEGATIVE_INFINITY;
      this.reset(state, sameBars);
      return;
    }
    const fresh = state.appended - this.appended;
    if (fresh <= 0) return;
    this.appended = state.appended;
    if (fresh > state.ticks.length) {
      this.reset(state, true);
      return;
    }
    const ticks = state.ticks.slice(state.ticks.length - fresh);
    if (this.timeframe.ms === 0) {
      for (const point of tickPoints(ticks)) this.updateTick(point);
      return;
    }
    const first = ticks[0];
    if (!first) return;
    for (const bar of barsSince(state.candles, this.timeframe.ms, first[0])) {
      if (bar[0] < this.newest) continue;
      this.chart.candles.update(toBar(bar));
      this.chart.volume.update(this.barVolume(bar));
      this.newest = bar[0];
    }
  }

  private updateTick(point: TickPoint): void {
    const last = this.lastPoint;
    if (point.time < this.newest) return;
    let next = point;
    let previous = last;
    if (last && point.time === last.time) {
      // Same millisecond as the newest point: it becomes that point's latest state.
      next = { time: point.time, price: point.price, size: last.size + point.size };
      previous = this.beforeLast;
    } else {
      this.beforeLast = last;
    }
    this.chart.line.update({ time: seconds(next.time), value: next.price });
    this.chart.volume.update(this.tickVolume(next, previous ?? undefined));
    this.lastPoint = next;
    this.newest = next.time;
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

function toBar([start, open, high, low, close]: Candle) {
  return { time: seconds(start), open, high, low, close };
}
