/**
 * Builds the price chart: candles (or the tick line) in the main pane, volume in a second
 * pane below, local-time axis labels, colours from the current scheme.
 */
import {
  CandlestickSeries,
  ColorType,
  CrosshairMode,
  createChart,
  HistogramSeries,
  type IChartApi,
  type ISeriesApi,
  LineSeries,
  LineStyle,
  TickMarkType,
  type Time,
} from "lightweight-charts";
import type { ChartLayer } from "./chart-sync.ts";
import type { ChartColors } from "./color-scheme.ts";

export type ChartHandles = {
  chart: IChartApi;
  candles: ISeriesApi<"Candlestick">;
  line: ISeriesApi<"Line">;
  volume: ISeriesApi<"Histogram">;
  colors: ChartColors;
  /** Decimals of the room's prices, as last applied. */
  decimals: number;
  /** Drawn from the same bars as the candles (indicators, compared symbols); fed with them. */
  layers: Set<ChartLayer>;
  /**
   * While other symbols are compared, the price pane shows percent change from this price
   * (the close at the start of the visible range); null shows prices.
   */
  percentBase: number | null;
  /**
   * The library's series types, for layers loaded later: were they to import the library, it
   * would move out of this chunk into one they share, a chunk more on the page's first load.
   */
  definitions: { line: typeof LineSeries; histogram: typeof HistogramSeries };
};

/** The main pane takes this many times the height of the volume pane. */
const PRICE_TO_VOLUME = 4;

export function createPriceChart(container: HTMLElement, colors: ChartColors): ChartHandles {
  const chart = createChart(container, {
    autoSize: true,
    layout: {
      background: { type: ColorType.Solid, color: colors.background },
      textColor: colors.text,
      fontFamily: getComputedStyle(container).fontFamily,
      fontSize: 11,
      // Lightweight Charts is Apache-2.0 and asks for visible attribution; this is it.
      attributionLogo: true,
      panes: { separatorColor: colors.border, separatorHoverColor: colors.grid },
    },
    grid: {
      vertLines: { color: colors.grid },
      horzLines: { color: colors.grid },
    },
    crosshair: {
      mode: CrosshairMode.Normal,
      vertLine: {
        color: colors.crosshair,
        style: LineStyle.Dashed,
        labelBackgroundColor: colors.text,
      },
      horzLine: {
        color: colors.crosshair,
        style: LineStyle.Dashed,
        labelBackgroundColor: colors.text,
      },
    },
    rightPriceScale: { borderColor: colors.border },
    timeScale: {
      borderColor: colors.border,
      timeVisible: true,
      secondsVisible: false,
      rightOffset: 4,
      tickMarkFormatter: tickMark,
    },
    localization: { timeFormatter: crosshairTime },
  });
  const candles = chart.addSeries(CandlestickSeries, { priceLineStyle: LineStyle.Dotted });
  const line = chart.addSeries(LineSeries, {
    lineWidth: 2,
    visible: false,
    priceLineStyle: LineStyle.Dotted,
  });
  const volume = chart.addSeries(
    HistogramSeries,
    { priceFormat: { type: "volume" }, priceLineVisible: false, lastValueVisible: false },
    1,
  );
  const [pricePane, volumePane] = chart.panes();
  pricePane?.setStretchFactor(PRICE_TO_VOLUME);
  volumePane?.setStretchFactor(1);
  const handles: ChartHandles = {
    chart,
    candles,
    line,
    volume,
    colors,
    decimals: 2,
    layers: new Set(),
    percentBase: null,
    definitions: { line: LineSeries, histogram: HistogramSeries },
  };
  applyChartColors(handles, colors);
  return handles;
}

export function applyChartColors(handles: ChartHandles, colors: ChartColors): void {
  handles.colors = colors;
  handles.chart.applyOptions({
    layout: {
      background: { type: ColorType.Solid, color: colors.background },
      textColor: colors.text,
      panes: { separatorColor: colors.border, separatorHoverColor: colors.grid },
    },
    grid: { vertLines: { color: colors.grid }, horzLines: { color: colors.grid } },
    crosshair: {
      vertLine: { color: colors.crosshair, labelBackgroundColor: colors.text },
      horzLine: { color: colors.crosshair, labelBackgroundColor: colors.text },
    },
    rightPriceScale: { borderColor: colors.border },
    timeScale: { borderColor: colors.border },
  });
  handles.candles.applyOptions({
    upColor: colors.up,
    downColor: colors.down,
    borderUpColor: colors.up,
    borderDownColor: colors.down,
    wickUpColor: colors.up,
    wickDownColor: colors.down,
  });
  handles.line.applyOptions({ color: colors.line });
}

export function applyPriceDecimals(handles: ChartHandles, decimals: number): void {
  handles.decimals = decimals;
  // Percent mode has a format of its own; prices get theirs back when it ends.
  if (handles.percentBase !== null) return;
  const priceFormat = { type: "price", precision: decimals, minMove: 10 ** -decimals } as const;
  handles.candles.applyOptions({ priceFormat });
  handles.line.applyOptions({ priceFormat });
}

// The chart works in UTC seconds; people read their own clock. Axis labels use the 24-hour
// clock, as trading screens do: "18:45:38" fits where "06:45:38 PM" collides with its neighbour.

const dateTime = new Intl.DateTimeFormat(undefined, {
  weekday: "short",
  day: "numeric",
  month: "short",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});
const hourMinute = new Intl.DateTimeFormat(undefined, {
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});
const withSeconds = new Intl.DateTimeFormat(undefined, {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});
const dayMonth = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" });
const month = new Intl.DateTimeFormat(undefined, { month: "short" });
const year = new Intl.DateTimeFormat(undefined, { year: "numeric" });

const toMs = (time: Time) => (typeof time === "number" ? time * 1000 : Date.parse(String(time)));

function crosshairTime(time: Time): string {
  return dateTime.format(toMs(time));
}

function tickMark(time: Time, type: TickMarkType): string {
  const ms = toMs(time);
  switch (type) {
    case TickMarkType.Year:
      return year.format(ms);
    case TickMarkType.Month:
      return month.format(ms);
    case TickMarkType.DayOfMonth:
      return dayMonth.format(ms);
    case TickMarkType.TimeWithSeconds:
      return withSeconds.format(ms);
    default:
      return hourMinute.format(ms);
  }
}
