/**
 * The shared drawings and other people's crosshairs, drawn on the price chart by a series
 * primitive (after lightweight-charts' trend-line plugin example). It is attached to both
 * price series, the candles and the tick line, and paints on whichever is shown. It also hears
 * the chart's bars, to place times that fall between them.
 *
 * Only types come from the chart library: importing it here would move it out of the chart's
 * chunk into one shared with this one, a chunk more on every chart page's first load.
 */
import type { ISeriesApi, Logical, SeriesType, UTCTimestamp } from "lightweight-charts";
import type { Candle, Drawing, PricePoint } from "../../party/protocol/index.ts";
import type { ChartHandles } from "./chart-setup.ts";
import type { ChartLayer } from "./chart-sync.ts";
import type { ShownCrosshair } from "./collab-crosshairs.ts";
import {
  logicalToTime,
  type Pixel,
  type PlacedDrawing,
  timeToLogical,
} from "./drawing-geometry.ts";
import { type PaintTarget, PricePainters, SeriesPainter } from "./series-painter.ts";

/** What the overlay paints, besides the drawings: the trend line being placed. */
export type Preview = { from: PricePoint; to: PricePoint; color: string } | null;

export class CollabOverlay implements ChartLayer {
  readonly #handles: ChartHandles;
  readonly #painters: PricePainters;
  #times: number[] = [];
  drawings: readonly Drawing[] = [];
  crosshairs: readonly ShownCrosshair[] = [];
  selected: string | null = null;
  preview: Preview = null;

  constructor(handles: ChartHandles) {
    this.#handles = handles;
    this.#painters = new PricePainters(handles, (series) => new Painter(this, series));
  }

  dispose(chartAlive: boolean): void {
    if (chartAlive) this.#painters.detach();
  }

  load(bars: readonly Candle[]): void {
    this.#times = bars.map((b) => b[0]);
    this.redraw();
  }

  bar(bar: Candle, added: boolean): void {
    if (added || this.#times.length === 0) this.#times.push(bar[0]);
  }

  redraw(): void {
    this.#painters.update();
  }

  /** The price series on show: the one whose coordinates count. */
  get series(): ISeriesApi<SeriesType> {
    const { line, candles } = this.#handles;
    return line.options().visible ? line : candles;
  }

  x(time: number): number | null {
    const scale = this.#handles.chart.timeScale();
    const logical = timeToLogical(this.#times, time);
    if (logical !== null) return scale.logicalToCoordinate(logical as Logical);
    return scale.timeToCoordinate((time / 1000) as UTCTimestamp);
  }

  y(price: number): number | null {
    return this.series.priceToCoordinate(price);
  }

  /** The time and price under a point of the chart's pane, or null off the data. */
  at(p: Pixel): PricePoint | null {
    const price = this.series.coordinateToPrice(p.y);
    const logical = this.#handles.chart.timeScale().coordinateToLogical(p.x);
    if (price === null || logical === null) return null;
    const time = logicalToTime(this.#times, logical);
    return time === null ? null : { time, price };
  }

  /** Where each drawing is on the screen now, for picking one. */
  placed(): PlacedDrawing[] {
    const out: PlacedDrawing[] = [];
    for (const d of this.drawings) {
      if (d.kind === "level") {
        const y = this.y(d.price);
        if (y !== null) out.push({ id: d.id, kind: "level", y });
        continue;
      }
      const from = this.point(d.from);
      const to = this.point(d.to);
      if (from && to) out.push({ id: d.id, kind: "trend", from, to });
    }
    return out;
  }

  point(p: PricePoint): Pixel | null {
    const x = this.x(p.time);
    const y = this.y(p.price);
    return x === null || y === null ? null : { x, y };
  }
}

class Painter extends SeriesPainter<CollabOverlay> {
  zOrder(): "top" {
    return "top";
  }

  draw(target: PaintTarget): void {
    const o = this.layer;
    // biome-ignore lint/correctness/useHookAtTopLevel: fancy-canvas's method, not a React hook.
    target.useMediaCoordinateSpace(({ context: ctx, mediaSize }) => {
      ctx.save();
      ctx.font = "11px system-ui, sans-serif";
      ctx.textBaseline = "middle";
      for (const d of o.drawings) {
        const selected = d.id === o.selected;
        ctx.strokeStyle = d.color;
        ctx.lineWidth = selected ? 3 : 2;
        ctx.setLineDash(d.id.startsWith("pending:") ? [6, 4] : []);
        if (d.kind === "level") {
          const y = o.y(d.price);
          if (y === null) continue;
          line(ctx, { x: 0, y }, { x: mediaSize.width, y });
          label(ctx, d.by, 6, y - 9, d.color);
        } else {
          const a = o.point(d.from);
          const b = o.point(d.to);
          if (!a || !b) continue;
          line(ctx, a, b);
          if (selected) for (const p of [a, b]) dot(ctx, p, 4, d.color);
          const left = a.x <= b.x ? a : b;
          label(ctx, d.by, left.x + 6, left.y - 12, d.color);
        }
      }
      if (o.preview) {
        const a = o.point(o.preview.from);
        const b = o.point(o.preview.to);
        if (a && b) {
          ctx.strokeStyle = o.preview.color;
          ctx.lineWidth = 2;
          ctx.setLineDash([4, 4]);
          line(ctx, a, b);
        }
      }
      for (const c of o.crosshairs) {
        const p = o.point(c);
        if (!p) continue;
        ctx.strokeStyle = c.color;
        ctx.lineWidth = 1;
        ctx.setLineDash([3, 3]);
        ctx.globalAlpha = 0.7;
        line(ctx, { x: p.x, y: 0 }, { x: p.x, y: mediaSize.height });
        line(ctx, { x: 0, y: p.y }, { x: mediaSize.width, y: p.y });
        ctx.globalAlpha = 1;
        dot(ctx, p, 4, c.color);
        label(ctx, c.name, p.x + 8, p.y - 12, c.color);
      }
      ctx.restore();
    });
  }
}

type Ctx = CanvasRenderingContext2D;

function line(ctx: Ctx, a: Pixel, b: Pixel): void {
  ctx.beginPath();
  ctx.moveTo(a.x, a.y);
  ctx.lineTo(b.x, b.y);
  ctx.stroke();
}

function dot(ctx: Ctx, p: Pixel, r: number, color: string): void {
  ctx.setLineDash([]);
  ctx.fillStyle = color;
  ctx.beginPath();
  ctx.arc(p.x, p.y, r, 0, Math.PI * 2);
  ctx.fill();
}

/** A name on a chip of its colour, in white: presence colours are dark enough for it. */
function label(ctx: Ctx, text: string, x: number, y: number, color: string): void {
  const width = ctx.measureText(text).width + 8;
  ctx.setLineDash([]);
  ctx.fillStyle = color;
  ctx.fillRect(x, y - 8, width, 16);
  ctx.fillStyle = "#ffffff";
  ctx.fillText(text, x + 4, y);
}
