/**
 * Other symbols on the chart, each as its percent change from the start of the visible range,
 * and the chart's own symbol with them (the candles too), as TradingView's compare shows them.
 * Each compared symbol streams through its own ticker store; its line has a point at each of the
 * chart's bars, so that the time axis stays the chart's own.
 */
import type { ISeriesApi, LogicalRange, UTCTimestamp } from "lightweight-charts";
import type { Candle } from "../../../party/protocol/market.ts";
import type { ChartHandles } from "../chart-setup.ts";
import type { ChartLayer } from "../chart-sync.ts";
import type { TickerState } from "../ticker-state.ts";
import type { TickerStore } from "../ticker-store.ts";
import {
  aggregateCandles,
  barsSince,
  pointBar,
  TICK_WINDOW,
  type Timeframe,
  tickPoints,
} from "../timeframes.ts";
import {
  baseClose,
  closeAsOf,
  firstVisibleIndex,
  forgetBefore,
  formatPercent,
  mergeBars,
  percentChange,
  percentOf,
  seconds,
} from "./percent.ts";
import type { Legend } from "./study-legend.ts";
import { pick, type StudyPalette } from "./study-palette.ts";

type Entry = {
  symbol: string;
  store: TickerStore;
  series: ISeriesApi<"Line">;
  /** Its bars at the chart's timeframe, oldest first. */
  bars: Candle[];
  epoch: number;
  appended: number;
  /** The close its percent change starts from; undefined before it has any bars. */
  base: number | undefined;
  /** Position in the URL's list: picks the colour and the legend's order. */
  index: number;
  unsubscribe: () => void;
};

const PERCENT_FORMAT = { type: "custom", formatter: formatPercent, minMove: 0.01 } as const;

export const legendKey = (symbol: string) => `compare:${symbol}`;

function barsOf(state: TickerState, timeframe: Timeframe): Candle[] {
  return timeframe.ms === 0
    ? tickPoints(state.ticks).map(pointBar)
    : aggregateCandles(state.candles, timeframe.ms);
}

export class CompareLayer implements ChartLayer {
  readonly #handles: ChartHandles;
  readonly #legend: Legend;
  readonly #symbol: string;
  /** Lines on the candles drawn from the percent base (the indicators) draw again after it moves. */
  readonly #onRebase: () => void;
  #palette: StudyPalette;
  #timeframe: Timeframe;
  /** The chart's own bars, as it was fed them. */
  #bars: Candle[] = [];
  readonly #entries = new Map<string, Entry>();
  /** Start of the bar the percent changes are measured from; null while not comparing. */
  #baseTime: number | null = null;
  #checking = false;

  constructor(options: {
    handles: ChartHandles;
    legend: Legend;
    palette: StudyPalette;
    timeframe: Timeframe;
    symbol: string;
    onRebase: () => void;
  }) {
    this.#handles = options.handles;
    this.#legend = options.legend;
    this.#palette = options.palette;
    this.#timeframe = options.timeframe;
    this.#symbol = options.symbol;
    this.#onRebase = options.onRebase;
    this.#handles.chart.timeScale().subscribeVisibleLogicalRangeChange(this.#onRange);
  }

  /** A new timeframe: every compared symbol's bars are folded again; the reset that follows draws. */
  setTimeframe(timeframe: Timeframe): void {
    if (timeframe === this.#timeframe) return;
    this.#timeframe = timeframe;
    for (const entry of this.#entries.values()) entry.epoch = -1;
  }

  setPalette(palette: StudyPalette): void {
    this.#palette = palette;
    for (const entry of this.#entries.values()) this.#color(entry);
  }

  add(symbol: string, store: TickerStore, index: number): void {
    if (this.#entries.has(symbol)) return;
    const series = this.#handles.chart.addSeries(
      this.#handles.definitions.line,
      { lineWidth: 2, priceLineVisible: false, priceFormat: PERCENT_FORMAT },
      0,
    );
    const entry: Entry = {
      symbol,
      store,
      series,
      bars: [],
      epoch: -1,
      appended: 0,
      base: undefined,
      index,
      unsubscribe: () => undefined,
    };
    this.#entries.set(symbol, entry);
    this.#legend.add(legendKey(symbol), symbol, "", 1 + index, () => 0);
    this.#color(entry);
    if (this.#entries.size === 1) {
      this.#legend.add(
        legendKey(this.#symbol),
        this.#symbol,
        this.#handles.colors.text,
        0,
        () => 0,
      );
    }
    entry.unsubscribe = store.subscribe(() => this.#sync(entry));
    this.#sync(entry, false);
    this.#rebase(true, true);
  }

  /** Positions in the URL's list changed (one before it was removed): colours follow. */
  reorder(symbols: readonly string[]): void {
    symbols.forEach((symbol, index) => {
      const entry = this.#entries.get(symbol);
      if (!entry || entry.index === index) return;
      entry.index = index;
      this.#color(entry);
    });
  }

  remove(symbol: string): void {
    const entry = this.#entries.get(symbol);
    if (!entry) return;
    entry.unsubscribe();
    this.#handles.chart.removeSeries(entry.series);
    this.#entries.delete(symbol);
    this.#legend.remove(legendKey(symbol));
    if (this.#entries.size === 0) this.#legend.remove(legendKey(this.#symbol));
    this.#rebase(this.#entries.size === 0, false);
  }

  dispose(): void {
    this.#handles.chart.timeScale().unsubscribeVisibleLogicalRangeChange(this.#onRange);
    for (const symbol of [...this.#entries.keys()]) this.remove(symbol);
  }

  /** Stops listening to the compared stores, for a chart that is gone already. */
  unsubscribe(): void {
    for (const entry of this.#entries.values()) entry.unsubscribe();
    this.#entries.clear();
  }

  load(bars: readonly Candle[]): void {
    this.#bars = bars.slice();
    for (const entry of this.#entries.values()) {
      if (entry.epoch === -1) this.#sync(entry, false);
    }
    // The candles were just drawn from the base as it was: they are drawn again only if it
    // moved; compared lines are, since they have a point at each of the chart's bars.
    this.#rebase(false, true);
    this.#showOwn();
  }

  bar(bar: Candle, added: boolean): void {
    if (added || this.#bars.length === 0) this.#bars.push(bar);
    else this.#bars[this.#bars.length - 1] = bar;
    if (this.#entries.size === 0) return;
    for (const entry of this.#entries.values()) this.#updateLast(entry);
    this.#showOwn();
  }

  /** The visible range moved: once a frame, see whether its first bar is another one. */
  readonly #onRange = (_range: LogicalRange | null) => {
    if (this.#checking || this.#entries.size === 0) return;
    this.#checking = true;
    requestAnimationFrame(() => {
      this.#checking = false;
      if (this.#entries.size > 0 && this.#firstVisible()?.[0] !== this.#baseTime) {
        this.#rebase(true, true);
      }
    });
  };

  #firstVisible(): Candle | undefined {
    const range = this.#handles.chart.timeScale().getVisibleLogicalRange();
    return this.#bars[firstVisibleIndex(range?.from ?? 0, this.#bars.length)];
  }

  /**
   * Measures everything from the first bar in view (or goes back to prices when nothing is
   * compared), and draws again what that changed; `own` and `compared` draw the candles and
   * the compared lines even if the base stayed.
   */
  #rebase(own: boolean, compared: boolean): void {
    const first = this.#entries.size > 0 ? this.#firstVisible() : undefined;
    const close = first?.[4];
    const base = close !== undefined && Number.isFinite(close) && close !== 0 ? close : null;
    const handles = this.#handles;
    const moved = base !== handles.percentBase;
    this.#baseTime = base === null ? null : (first?.[0] ?? null);
    for (const entry of this.#entries.values()) {
      const before = entry.base;
      entry.base =
        this.#baseTime === null
          ? undefined
          : baseClose(entry.bars, this.#baseTime, this.#timeframe.ms);
      if (moved || compared || entry.base !== before) this.#draw(entry);
    }
    if (!moved && !own) return;
    handles.percentBase = base;
    this.#drawOwn();
    this.#onRebase();
    this.#showOwn();
  }

  /** The chart's own candles (or tick line) from the base, or as prices without one. */
  #drawOwn(): void {
    const handles = this.#handles;
    const base = handles.percentBase;
    const p = (v: number) => percentOf(v, base);
    if (this.#timeframe.ms === 0) {
      handles.line.setData(this.#bars.map((b) => ({ time: seconds(b[0]), value: p(b[4]) })));
    } else {
      handles.candles.setData(
        this.#bars.map(([start, open, high, low, close]) => ({
          time: seconds(start),
          open: p(open),
          high: p(high),
          low: p(low),
          close: p(close),
        })),
      );
    }
    const d = handles.decimals;
    const priceFormat =
      base === null
        ? ({ type: "price", precision: d, minMove: 10 ** -d } as const)
        : PERCENT_FORMAT;
    handles.candles.applyOptions({ priceFormat });
    handles.line.applyOptions({ priceFormat });
  }

  /** Takes in what changed in a compared symbol's store since the last look. */
  #sync(entry: Entry, draw = true): void {
    const state = entry.store.getState();
    if (state.phase !== "ready") {
      this.#legend.set(legendKey(entry.symbol), state.phase === "error" ? "unavailable" : "\u2026");
      return;
    }
    const ms = this.#timeframe.ms;
    const fresh = state.appended - entry.appended;
    if (state.epoch !== entry.epoch || fresh > state.ticks.length) {
      entry.epoch = state.epoch;
      entry.appended = state.appended;
      entry.bars = barsOf(state, this.#timeframe);
      entry.base = this.#baseTime === null ? undefined : baseClose(entry.bars, this.#baseTime, ms);
      if (draw) this.#draw(entry);
      return;
    }
    if (fresh <= 0) return;
    entry.appended = state.appended;
    const ticks = state.ticks.slice(state.ticks.length - fresh);
    const first = ticks[0];
    if (!first) return;
    mergeBars(
      entry.bars,
      ms === 0 ? tickPoints(ticks).map(pointBar) : barsSince(state.candles, ms, first[0]),
    );
    // The chart's tick line keeps a window of points (see chart-sync.ts); so does this one.
    if (ms === 0) forgetBefore(entry.bars, this.#bars[0]?.[0], TICK_WINDOW);
    if (entry.base === undefined && this.#baseTime !== null) {
      entry.base = baseClose(entry.bars, this.#baseTime, ms);
      this.#draw(entry);
      return;
    }
    this.#updateLast(entry);
  }

  /** One point per bar of the chart's own, each its close as of that bar. */
  #draw(entry: Entry): void {
    const base = entry.base;
    const ms = this.#timeframe.ms;
    const data: { time: UTCTimestamp; value?: number }[] = [];
    if (base !== undefined) {
      for (const bar of this.#bars) {
        const close = closeAsOf(entry.bars, bar[0], ms);
        const time = seconds(bar[0]);
        data.push(close === undefined ? { time } : { time, value: percentChange(close, base) });
      }
    }
    entry.series.setData(data);
    this.#showEntry(entry, data[data.length - 1]?.value);
  }

  /** The compared symbol's point at the chart's newest bar. */
  #updateLast(entry: Entry): void {
    const last = this.#bars[this.#bars.length - 1];
    if (!last || entry.base === undefined) return;
    const close = closeAsOf(entry.bars, last[0], this.#timeframe.ms);
    if (close === undefined) return;
    const value = percentChange(close, entry.base);
    entry.series.update({ time: seconds(last[0]), value });
    this.#showEntry(entry, value);
  }

  #showEntry(entry: Entry, value: number | undefined): void {
    this.#legend.set(
      legendKey(entry.symbol),
      value === undefined ? "\u2013" : formatPercent(value),
    );
  }

  #showOwn(): void {
    const base = this.#handles.percentBase;
    const close = this.#bars[this.#bars.length - 1]?.[4];
    if (base === null || close === undefined || this.#entries.size === 0) return;
    this.#legend.set(legendKey(this.#symbol), formatPercent(percentChange(close, base)));
  }

  #color(entry: Entry): void {
    const color = pick(this.#palette.compare, entry.index);
    entry.series.applyOptions({ color });
    this.#legend.recolor(legendKey(entry.symbol), color);
  }
}
