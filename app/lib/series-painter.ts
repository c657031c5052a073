/**
 * What every layer that paints on the price pane shares: a series primitive that is its own
 * pane view and renderer (after lightweight-charts' plugin examples), and a pair of them, one
 * on each price series, the candles and the tick line, so that the layer paints on whichever
 * is shown. A subclass says only where in the pane's stack it paints and what.
 *
 * Only types come from the chart library: importing it here would move it out of the chart's
 * chunk into one shared with the layers, a chunk more on every chart page's first load.
 */
import type {
  IPrimitivePaneRenderer,
  IPrimitivePaneView,
  ISeriesApi,
  ISeriesPrimitive,
  PrimitivePaneViewZOrder,
  SeriesType,
  Time,
} from "lightweight-charts";
import type { ChartHandles } from "./chart-setup.ts";

/** The canvas a renderer draws on, as the library hands it over. */
export type PaintTarget = Parameters<IPrimitivePaneRenderer["draw"]>[0];

/** Paints for `layer`, which holds what there is to paint and where it falls on the pane. */
export abstract class SeriesPainter<Layer = unknown>
  implements ISeriesPrimitive<Time>, IPrimitivePaneView, IPrimitivePaneRenderer
{
  #requestUpdate: (() => void) | null = null;
  readonly #views: readonly IPrimitivePaneView[] = [this];

  constructor(
    protected readonly layer: Layer,
    readonly series: ISeriesApi<SeriesType>,
  ) {}

  attached({ requestUpdate }: { requestUpdate: () => void }): void {
    this.#requestUpdate = requestUpdate;
  }

  detached(): void {
    this.#requestUpdate = null;
  }

  /** Asks the chart to paint again; a painter not attached has nothing to paint on. */
  update(): void {
    this.#requestUpdate?.();
  }

  paneViews(): readonly IPrimitivePaneView[] {
    return this.#views;
  }

  renderer(): IPrimitivePaneRenderer | null {
    // The hidden series' painter stays quiet, or the layer would be painted twice.
    return this.series.options().visible ? this : null;
  }

  abstract zOrder(): PrimitivePaneViewZOrder;

  abstract draw(target: PaintTarget): void;
}

/** One painter attached to each price series, from `make`, until `detach` is called. */
export class PricePainters {
  readonly #painters: readonly SeriesPainter[];

  constructor(
    handles: Pick<ChartHandles, "candles" | "line">,
    make: (series: ISeriesApi<SeriesType>) => SeriesPainter,
  ) {
    this.#painters = [make(handles.candles), make(handles.line)];
    for (const p of this.#painters) p.series.attachPrimitive(p);
  }

  update(): void {
    for (const p of this.#painters) p.update();
  }

  detach(): void {
    for (const p of this.#painters) p.series.detachPrimitive(p);
  }
}
