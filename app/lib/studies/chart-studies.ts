/**
 * Everything drawn on the chart besides its own candles: indicators and compared symbols, one
 * layer fed by the chart's bars, with the legend they share. Indicators hear of each bar first:
 * comparing may then move the percent base, and the indicators on the candles follow it.
 */
import type { Candle } from "../../../party/protocol/market.ts";
import type { ChartHandles } from "../chart-setup.ts";
import type { ChartLayer } from "../chart-sync.ts";
import type { IndicatorSpec } from "../indicators/indicator-spec.ts";
import type { SessionStart } from "../indicators/vwap.ts";
import type { TickerStore } from "../ticker-store.ts";
import type { Timeframe } from "../timeframes.ts";
import { CompareLayer } from "./compare-layer.ts";
import { IndicatorLayer } from "./indicator-layer.ts";
import type { Legend } from "./study-legend.ts";
import type { StudyPalette } from "./study-palette.ts";

export type StudiesOptions = {
  handles: ChartHandles;
  /** Where the figures go (a StudyLegend over the chart). */
  legend: Legend;
  symbol: string;
  timeframe: Timeframe;
  palette: StudyPalette;
  /** Where VWAP starts over; the UTC day when left out. */
  sessionStart?: SessionStart;
};

export class ChartStudies implements ChartLayer {
  readonly #handles: ChartHandles;
  readonly #legend: Legend;
  readonly #indicators: IndicatorLayer;
  readonly #compare: CompareLayer;

  constructor(options: StudiesOptions) {
    const { handles, palette } = options;
    this.#handles = handles;
    this.#legend = options.legend;
    this.#indicators = new IndicatorLayer(handles, this.#legend, palette, options.sessionStart);
    this.#compare = new CompareLayer({
      handles,
      legend: this.#legend,
      palette,
      timeframe: options.timeframe,
      symbol: options.symbol,
      onRebase: () => this.#indicators.rebase(),
    });
  }

  load(bars: readonly Candle[]): void {
    this.#indicators.load(bars);
    this.#compare.load(bars);
    this.#legend.place();
  }

  bar(bar: Candle, added: boolean): void {
    this.#indicators.bar(bar, added);
    this.#compare.bar(bar, added);
  }

  /** Shows exactly these indicators; returns how many panes of their own they take. */
  setIndicators(specs: readonly IndicatorSpec[]): number {
    this.#indicators.setSpecs(specs);
    return this.#indicators.ownPanes;
  }

  compare(symbol: string, store: TickerStore, index: number): void {
    this.#compare.add(symbol, store, index);
  }

  uncompare(symbol: string): void {
    this.#compare.remove(symbol);
  }

  reorderCompared(symbols: readonly string[]): void {
    this.#compare.reorder(symbols);
  }

  setTimeframe(timeframe: Timeframe): void {
    this.#compare.setTimeframe(timeframe);
  }

  setPalette(palette: StudyPalette): void {
    this.#indicators.setPalette(palette);
    this.#compare.setPalette(palette);
  }

  /** Places the legend again: the panes may have moved (a resize, a pane added). */
  relayout(): void {
    this.#legend.place();
  }

  /**
   * Takes everything off the chart. With `chartGone` the chart itself was removed first: only
   * subscriptions are dropped.
   */
  dispose(chartGone: boolean): void {
    if (!chartGone) {
      this.#compare.dispose();
      this.#indicators.dispose();
    } else {
      this.#compare.unsubscribe();
    }
    this.#legend.dispose();
    this.#handles.layers.delete(this);
  }
}
