/**
 * Indicators on the chart. Each one is fed the chart's bars: all of them with `indicatorSeries`
 * on a reset, then one `push` (a new bar) or `update` (the last bar changed) per bar that
 * changed, and each of its lines gets one `series.update`. SMA, EMA, VWAP and Bollinger bands go
 * on the candles; RSI and MACD each get a pane of their own below volume.
 */
import type { IChartApi, ISeriesApi, LineStyle, UTCTimestamp } from "lightweight-charts";
import type { Candle } from "../../../party/protocol/market.ts";
import type { ChartHandles } from "../chart-setup.ts";
import type { ChartLayer } from "../chart-sync.ts";
import { type AnyIndicator, createIndicator } from "../indicators/create-indicator.ts";
import { indicatorSeries } from "../indicators/indicator.ts";
import { type IndicatorSpec, indicatorToken } from "../indicators/indicator-spec.ts";
import type { SessionStart } from "../indicators/vwap.ts";
import {
  type IndicatorPlot,
  type IndicatorValue,
  indicatorPlot,
  legendFigures,
  plotValues,
} from "./indicator-plot.ts";
import { formatPercent, percentOf, seconds } from "./percent.ts";
import type { Legend } from "./study-legend.ts";
import { pick, type StudyPalette } from "./study-palette.ts";

/** A pane of its own is this many times the height of the volume pane (the candles' is 4). */
const OWN_PANE_STRETCH = 1.5;
/** Legend rows of indicators come after those of compared symbols. */
const LEGEND_ORDER = 100;
/** Indicators are listed from pane 2 on: 0 holds the candles, 1 the volume. */
const FIRST_OWN_PANE = 2;
/** `LineStyle.Dashed`, written out: the library's code is the chart chunk's (see ChartHandles). */
const DASHED: LineStyle = 2;

type Series = ISeriesApi<"Line"> | ISeriesApi<"Histogram">;
/** A point of a line or a column; just a time where there is no value. */
type Point = { time: UTCTimestamp; value?: number; color?: string };

type Drawn = {
  spec: IndicatorSpec;
  token: string;
  plot: IndicatorPlot;
  indicator: AnyIndicator;
  series: Series[];
  /** On the price pane: every value so far, to draw again when the percent base moves. */
  values: (IndicatorValue | undefined)[] | null;
  /** Position among the indicators shown: picks the colour and the legend's order. */
  index: number;
  /** Per line: whether it has a point at the last bar (one to clear should its value go). */
  shown: boolean[];
};

const formats = new Map<number, Intl.NumberFormat>();
function fixed(decimals: number): (n: number) => string {
  let format = formats.get(decimals);
  if (!format) {
    format = new Intl.NumberFormat(undefined, {
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
    });
    formats.set(decimals, format);
  }
  return (n) => (format as Intl.NumberFormat).format(n);
}

export class IndicatorLayer implements ChartLayer {
  readonly #handles: ChartHandles;
  readonly #legend: Legend;
  readonly #sessionStart: SessionStart | undefined;
  #palette: StudyPalette;
  /** The chart's bars, as the indicators were fed them. */
  #bars: Candle[] = [];
  /** In the order of the URL's list, which is the order of the panes and the legend. */
  #drawn = new Map<string, Drawn>();

  constructor(
    handles: ChartHandles,
    legend: Legend,
    palette: StudyPalette,
    sessionStart?: SessionStart,
  ) {
    this.#handles = handles;
    this.#legend = legend;
    this.#palette = palette;
    this.#sessionStart = sessionStart;
  }

  get #chart(): IChartApi {
    return this.#handles.chart;
  }

  /** Shows exactly `specs` (canonical, as parsed from the URL): new ones computed, others kept. */
  setSpecs(specs: readonly IndicatorSpec[]): void {
    const wanted = new Map(specs.map((spec) => [indicatorToken(spec), spec]));
    for (const [token, drawn] of this.#drawn) {
      if (!wanted.has(token)) this.#remove(drawn);
    }
    let index = 0;
    for (const [token, spec] of wanted) {
      const drawn = this.#drawn.get(token);
      if (drawn) {
        if (drawn.index !== index) {
          drawn.index = index;
          this.#color(drawn);
        }
      } else {
        this.#add(spec, token, index);
      }
      index++;
    }
    const ordered = new Map<string, Drawn>();
    for (const token of wanted.keys()) {
      const drawn = this.#drawn.get(token);
      if (drawn) ordered.set(token, drawn);
    }
    this.#drawn = ordered;
    this.#arrangePanes();
    this.#legend.layout();
  }

  /** Indicators with panes of their own: the chart frame grows to make room for them. */
  get ownPanes(): number {
    let n = 0;
    for (const drawn of this.#drawn.values()) if (drawn.plot.pane === "own") n++;
    return n;
  }

  setPalette(palette: StudyPalette): void {
    this.#palette = palette;
    for (const drawn of this.#drawn.values()) this.#color(drawn);
  }

  load(bars: readonly Candle[]): void {
    this.#bars = bars.slice();
    for (const drawn of this.#drawn.values()) this.#compute(drawn);
  }

  bar(bar: Candle, added: boolean): void {
    if (added || this.#bars.length === 0) this.#bars.push(bar);
    else this.#bars[this.#bars.length - 1] = bar;
    const time = seconds(bar[0]);
    for (const drawn of this.#drawn.values()) {
      const value = added ? drawn.indicator.push(bar) : drawn.indicator.update(bar);
      if (drawn.values) {
        if (added || drawn.values.length === 0) drawn.values.push(value);
        else drawn.values[drawn.values.length - 1] = value;
      }
      const numbers = plotValues(drawn.spec.kind, value);
      drawn.series.forEach((series, i) => {
        const n = numbers[i];
        const has = n !== undefined && Number.isFinite(n);
        // No value where none is drawn (an indicator warming up): nothing to tell the chart,
        // whose panes would all be drawn again for it.
        if (has || drawn.shown[i]) series.update(this.#point(drawn, i, time, n));
        drawn.shown[i] = has;
      });
      this.#legend.set(drawn.token, this.#figures(drawn, value));
    }
  }

  /** The percent base moved (or went): the lines on the candles are drawn again from it. */
  rebase(): void {
    for (const drawn of this.#drawn.values()) {
      if (!drawn.values) continue;
      this.#format(drawn);
      this.#draw(drawn, drawn.values);
    }
  }

  dispose(): void {
    for (const drawn of this.#drawn.values()) this.#remove(drawn);
  }

  #add(spec: IndicatorSpec, token: string, index: number): void {
    const plot = indicatorPlot(spec);
    const indicator = createIndicator(spec, { sessionStart: this.#sessionStart });
    // A pane of its own is made at the bottom and moved into place by #arrangePanes.
    const pane = plot.pane === "price" ? 0 : this.#chart.panes().length;
    const range = plot.range;
    const series = plot.lines.map((line): Series => {
      const common = {
        priceLineVisible: false,
        // Labels on the price axis for the main lines only: three bands' labels would bury it.
        lastValueVisible: line.style === "line" && line.role !== "band",
        ...(range && {
          autoscaleInfoProvider: () => ({
            priceRange: { minValue: range.min, maxValue: range.max },
            margins: { above: 6, below: 6 },
          }),
        }),
      };
      return line.style === "histogram"
        ? this.#chart.addSeries(this.#handles.definitions.histogram, common, pane)
        : this.#chart.addSeries(
            this.#handles.definitions.line,
            {
              ...common,
              lineWidth: line.role === "main" ? 2 : 1,
              crosshairMarkerVisible: line.role === "main",
            },
            pane,
          );
    });
    if (plot.pane === "own") series[0]?.getPane().setStretchFactor(OWN_PANE_STRETCH);
    const drawn: Drawn = {
      spec,
      token,
      plot,
      indicator,
      series,
      values: plot.pane === "price" ? [] : null,
      index,
      shown: plot.lines.map(() => false),
    };
    for (const level of plot.levels ?? []) {
      series[0]?.createPriceLine({
        price: level,
        color: this.#palette.level,
        lineWidth: 1,
        lineStyle: DASHED,
        axisLabelVisible: false,
      });
    }
    this.#drawn.set(token, drawn);
    this.#legend.add(token, plot.name, this.#mainColor(drawn), LEGEND_ORDER + index, () =>
      series[0] ? series[0].getPane().paneIndex() : 0,
    );
    this.#color(drawn);
    this.#format(drawn);
    this.#compute(drawn);
  }

  #remove(drawn: Drawn): void {
    // A pane left without series goes with them.
    for (const series of drawn.series) this.#chart.removeSeries(series);
    this.#drawn.delete(drawn.token);
    this.#legend.remove(drawn.token);
  }

  /** Panes of their own in the order the indicators are listed, right below volume. */
  #arrangePanes(): void {
    let at = FIRST_OWN_PANE;
    for (const drawn of this.#drawn.values()) {
      if (drawn.plot.pane !== "own") continue;
      const pane = drawn.series[0]?.getPane();
      if (pane && pane.paneIndex() !== at) pane.moveTo(at);
      at++;
    }
  }

  /** Runs the indicator from scratch over every bar and draws all of it. */
  #compute(drawn: Drawn): void {
    drawn.indicator = createIndicator(drawn.spec, { sessionStart: this.#sessionStart });
    const values = indicatorSeries<IndicatorValue>(drawn.indicator, this.#bars);
    if (drawn.values) drawn.values = values;
    this.#format(drawn);
    this.#draw(drawn, values);
  }

  #draw(drawn: Drawn, values: readonly (IndicatorValue | undefined)[]): void {
    const columns = drawn.series.map((): Point[] => []);
    for (let i = 0; i < values.length; i++) {
      const time = seconds((this.#bars[i] as Candle)[0]);
      const numbers = plotValues(drawn.spec.kind, values[i]);
      for (let line = 0; line < columns.length; line++) {
        const n = numbers[line];
        if (n !== undefined && Number.isFinite(n))
          columns[line]?.push(this.#point(drawn, line, time, n));
      }
    }
    const last = seconds((this.#bars[this.#bars.length - 1] ?? [0])[0]);
    drawn.series.forEach((series, line) => {
      const points = columns[line] ?? [];
      series.setData(points);
      drawn.shown[line] = points[points.length - 1]?.time === last;
    });
    this.#legend.set(drawn.token, this.#figures(drawn, values[values.length - 1]));
  }

  #point(drawn: Drawn, line: number, time: UTCTimestamp, value: number | undefined): Point {
    if (value === undefined || !Number.isFinite(value)) return { time };
    if (drawn.plot.lines[line]?.style === "histogram") {
      return { time, value, color: value >= 0 ? this.#palette.up : this.#palette.down };
    }
    return {
      time,
      value: drawn.values ? percentOf(value, this.#handles.percentBase) : value,
    };
  }

  #figures(drawn: Drawn, value: IndicatorValue | undefined): string {
    const base = this.#handles.percentBase;
    let format: (n: number) => string;
    if (drawn.values && base !== null) format = (n) => formatPercent(percentOf(n, base));
    else if (drawn.spec.kind === "rsi") format = fixed(2);
    else format = fixed(this.#handles.decimals);
    return legendFigures(drawn.spec.kind, value, format);
  }

  #mainColor(drawn: Drawn): string {
    return pick(this.#palette.lines, drawn.index);
  }

  #color(drawn: Drawn): void {
    const color = this.#mainColor(drawn);
    drawn.plot.lines.forEach((line, i) => {
      const series = drawn.series[i];
      if (!series || line.style === "histogram") return;
      series.applyOptions({ color: line.role === "signal" ? this.#palette.signal : color });
    });
    this.#legend.recolor(drawn.token, color, LEGEND_ORDER + drawn.index);
  }

  /** Prices with the room's decimals, or percent while comparing, as the candles show them. */
  #format(drawn: Drawn): void {
    const decimals = drawn.spec.kind === "rsi" ? 2 : this.#handles.decimals;
    const priceFormat =
      drawn.values && this.#handles.percentBase !== null
        ? ({ type: "custom", formatter: formatPercent, minMove: 0.01 } as const)
        : ({ type: "price", precision: decimals, minMove: 10 ** -decimals } as const);
    for (const series of drawn.series) series.applyOptions({ priceFormat });
  }
}
