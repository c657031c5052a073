/**
 * Shades a US stock's pre-market and after-hours on the price chart, as Yahoo and TradingView
 * do: each run of extended-hours bars (`extended-hours.ts`) gets a faint band from half a bar
 * before its first bar to half a bar after its last, over the price pane's full height. A
 * series primitive under the candles paints it (after lightweight-charts' plugin examples),
 * attached to both price series, the candles and the tick line, painting on whichever is shown.
 *
 * Only types come from the chart library: importing it here would move it out of the chart's
 * chunk into one shared with this one, a chunk more on every chart page's first load.
 */
import type { ISeriesApi, Logical, SeriesType, Time } from "lightweight-charts";
import { symbolKind } from "../../party/market/sessions/index.ts";
import type { Candle } from "../../party/protocol/index.ts";
import type { ChartHandles } from "./chart-setup.ts";
import type { ChartLayer } from "./chart-sync.ts";
import { type BarRun, ExtendedRuns } from "./extended-hours.ts";
import { type PaintTarget, PricePainters, SeriesPainter } from "./series-painter.ts";

/**
 * How strongly the band tints the pane: the muted text colour at this opacity is a faint grey
 * on the light background and a faint lift on the dark one. No text is drawn in the pane under
 * it (axis labels have canvases of their own, drawings paint above it), so no contrast changes.
 */
const SHADE_ALPHA = 0.07;

export class ExtendedShade implements ChartLayer {
  readonly #handles: ChartHandles;
  readonly #painters: PricePainters;
  readonly #runs: ExtendedRuns;
  /** Start (ms) of the first and the newest bar, to tell the chart's own bars from others. */
  #first = Number.NaN;
  #newest = Number.NaN;

  constructor(handles: ChartHandles, symbol: string) {
    this.#handles = handles;
    this.#runs = new ExtendedRuns(symbolKind(symbol));
    this.#painters = new PricePainters(handles, (series) => new ShadePainter(this, series));
  }

  dispose(chartAlive: boolean): void {
    if (chartAlive) this.#painters.detach();
  }

  load(bars: readonly Candle[]): void {
    this.#runs.load(bars.map((b) => b[0]));
    this.#first = bars[0]?.[0] ?? Number.NaN;
    this.#newest = bars[bars.length - 1]?.[0] ?? Number.NaN;
    this.#redraw();
  }

  bar(bar: Candle, added: boolean): void {
    // An update of the newest bar keeps its start, and so its shading.
    if (!added && this.#runs.count > 0) return;
    if (this.#runs.count === 0) this.#first = bar[0];
    this.#newest = bar[0];
    if (this.#runs.add(bar[0])) this.#redraw();
  }

  /** The colour of the bands, from the chart's palette of the scheme in effect. */
  get color(): string {
    return this.#handles.colors.text;
  }

  /**
   * The runs to paint on `series`, or none while it holds other bars than these (a long range
   * of days or weeks draws its own bars on the same series, and stays unshaded).
   */
  runsOn(series: ISeriesApi<SeriesType>): ExtendedRuns["runs"] {
    const count = this.#runs.count;
    if (count === 0 || this.#runs.runs.length === 0) return [];
    const first = series.dataByIndex(0);
    const newest = series.dataByIndex(count - 1);
    const same = (bar: { time: Time } | null, ms: number) => bar?.time === ms / 1000;
    return same(first, this.#first) && same(newest, this.#newest) ? this.#runs.runs : [];
  }

  /**
   * Where `run` starts and ends on the pane (CSS pixels): half a bar out from the centres of its
   * first and last bars. The time scale places whole indexes only, so the half bar is measured.
   */
  span(run: BarRun): { left: number; right: number } | null {
    const scale = this.#handles.chart.timeScale();
    const first = scale.logicalToCoordinate(run.from as Logical);
    const next = scale.logicalToCoordinate((run.from + 1) as Logical);
    const last = scale.logicalToCoordinate(run.to as Logical);
    if (first === null || next === null || last === null) return null;
    const half = (next - first) / 2;
    return { left: first - half, right: last + half };
  }

  #redraw(): void {
    this.#painters.update();
  }
}

/**
 * Shades the extended hours of `symbol`, if it is a stock, on the chart until the function it returns is
 * called. `attach` adds a layer to the chart and feeds it the chart's bars (`price-chart.tsx`).
 */
export function shadeExtendedHours(
  handles: ChartHandles,
  attach: (layer: ChartLayer) => () => void,
  symbol: string,
): () => void {
  // Crypto trades around the clock: nothing to shade, and no layer to feed.
  if (symbolKind(symbol) !== "stock") return () => undefined;
  const shade = new ExtendedShade(handles, symbol);
  const detach = attach(shade);
  return () => {
    // A chart that is gone has cleared its layers, and its series take no more calls.
    shade.dispose(handles.layers.has(shade));
    detach();
  };
}

class ShadePainter extends SeriesPainter<ExtendedShade> {
  zOrder(): "bottom" {
    return "bottom";
  }

  draw(target: PaintTarget): void {
    const runs = this.layer.runsOn(this.series);
    if (runs.length === 0) return;
    // biome-ignore lint/correctness/useHookAtTopLevel: fancy-canvas's method, not a React hook.
    target.useBitmapCoordinateSpace(({ context: ctx, bitmapSize, horizontalPixelRatio }) => {
      ctx.save();
      ctx.fillStyle = this.layer.color;
      ctx.globalAlpha = SHADE_ALPHA;
      for (const run of runs) {
        const span = this.layer.span(run);
        if (span === null) continue;
        // Whole device pixels, so that neighbouring bands neither overlap nor leave a seam.
        const from = Math.max(0, Math.round(span.left * horizontalPixelRatio));
        const to = Math.min(bitmapSize.width, Math.round(span.right * horizontalPixelRatio));
        if (to > from) ctx.fillRect(from, 0, to - from, bitmapSize.height);
      }
      ctx.restore();
    });
  }
}
