/**
 * The pointer on a list's chart: it places levels and trend lines, picks and drags drawings,
 * and says where the crosshair is. Imperative, over the chart's own element; the decisions
 * (what is under the pointer, where a drag ends) are in `drawing-geometry.ts`.
 */
import type { MouseEventParams, Time } from "lightweight-charts";
import type { CrosshairAt, Drawing, DrawingMove, PricePoint } from "../../party/protocol/index.ts";
import type { ChartHandles } from "./chart-setup.ts";
import type { NewDrawing } from "./collab-drawings.ts";
import type { CollabOverlay } from "./collab-overlay.ts";
import { dragged, type Pixel, pick, roundPrice } from "./drawing-geometry.ts";

export type Tool = "select" | "level" | "trend";

export type ToolActions = {
  draw(drawing: NewDrawing): void;
  redraw(drawingId: string, move: DrawingMove): void;
  crosshair(at: CrosshairAt | null): void;
  /** The selection changed (a click picked a drawing, or nothing). */
  select(drawingId: string | null): void;
  /** A placement ended: the tool goes back to selecting. */
  placed(): void;
};

type Drag = { drawing: Drawing; start: PricePoint; now: Drawing | null };

export class DrawingTools {
  tool: Tool = "select";
  editable = false;
  /** The drawings on this chart as the store has them; a drag shows its own in their place. */
  #drawings: readonly Drawing[] = [];
  #anchor: PricePoint | null = null;
  #drag: Drag | null = null;
  readonly #element: HTMLElement;
  readonly #disposers: (() => void)[] = [];

  constructor(
    private readonly handles: ChartHandles,
    private readonly overlay: CollabOverlay,
    private readonly symbol: string,
    private readonly actions: ToolActions,
    private readonly color: () => string,
  ) {
    this.#element = handles.chart.chartElement();
    const listen = <K extends keyof HTMLElementEventMap>(
      type: K,
      run: (event: HTMLElementEventMap[K]) => void,
    ) => {
      this.#element.addEventListener(type, run, { capture: true });
      this.#disposers.push(() => this.#element.removeEventListener(type, run, { capture: true }));
    };
    listen("pointerdown", (e) => this.#down(e));
    listen("pointermove", (e) => this.#move(e));
    listen("pointerup", (e) => this.#up(e));
    listen("pointercancel", () => this.cancel());
    const crosshair = (param: MouseEventParams<Time>) => this.#crosshair(param);
    handles.chart.subscribeCrosshairMove(crosshair);
    this.#disposers.push(() => handles.chart.unsubscribeCrosshairMove(crosshair));
  }

  dispose(): void {
    this.cancel();
    for (const run of this.#disposers) run();
    this.actions.crosshair(null);
  }

  setDrawings(drawings: readonly Drawing[]): void {
    this.#drawings = drawings;
    this.#show();
  }

  setSelection(drawingId: string | null): void {
    this.overlay.selected = drawingId;
    this.overlay.redraw();
  }

  /** Escape: a placement or a drag is given up, and the tool goes back to selecting. */
  cancel(): void {
    this.#anchor = null;
    this.overlay.preview = null;
    if (this.#drag) this.#endDrag();
    this.#show();
  }

  #show(): void {
    const drag = this.#drag;
    this.overlay.drawings =
      drag?.now == null
        ? this.#drawings
        : this.#drawings.map((d) => (d.id === drag.drawing.id ? (drag.now as Drawing) : d));
    this.overlay.redraw();
  }

  /** The pointer in the price pane's coordinates; null over the axes or the volume pane. */
  #pane(e: PointerEvent): Pixel | null {
    const rect = this.#element.getBoundingClientRect();
    const p = { x: e.clientX - rect.left, y: e.clientY - rect.top };
    const width = this.handles.chart.timeScale().width();
    const height = this.handles.chart.panes()[0]?.getHeight() ?? 0;
    return p.x >= 0 && p.x < width && p.y >= 0 && p.y < height ? p : null;
  }

  #point(p: Pixel): PricePoint | null {
    const at = this.overlay.at(p);
    return at && { time: at.time, price: roundPrice(at.price, this.handles.decimals) };
  }

  #down(e: PointerEvent): void {
    if (!this.editable || e.button !== 0) return;
    const p = this.#pane(e);
    if (!p) return;
    if (this.tool === "level") {
      // A level needs only its price: it is drawn before the chart has bars to place times by.
      const raw = this.overlay.series.coordinateToPrice(p.y);
      const price = raw === null ? 0 : roundPrice(raw, this.handles.decimals);
      if (price > 0) this.actions.draw({ symbol: this.symbol, kind: "level", price });
      this.actions.placed();
      return;
    }
    const at = this.#point(p);
    if (!at) return;
    if (this.tool === "trend") {
      const from = this.#anchor;
      if (from === null) {
        this.#anchor = at;
        this.overlay.preview = { from: at, to: at, color: this.color() };
        this.overlay.redraw();
      } else if (from.time !== at.time && from.price > 0 && at.price > 0) {
        this.actions.draw({ symbol: this.symbol, kind: "trend", from, to: at });
        this.cancel();
        this.actions.placed();
      }
      return;
    }
    const id = pick(this.overlay.placed(), p);
    this.actions.select(id);
    const drawing = this.#drawings.find((d) => d.id === id);
    if (!drawing || drawing.id.startsWith("pending:")) return;
    // The chart would scroll under a drag of its own otherwise.
    this.handles.chart.applyOptions({ handleScroll: false, handleScale: false });
    this.#element.setPointerCapture?.(e.pointerId);
    this.#drag = { drawing, start: at, now: null };
  }

  #move(e: PointerEvent): void {
    const p = this.#pane(e);
    const at = p && this.#point(p);
    if (this.#drag) {
      if (at) this.#drag.now = dragged(this.#drag.drawing, this.#drag.start, at);
      this.#show();
      return;
    }
    if (this.#anchor && at && this.overlay.preview) {
      this.overlay.preview = { ...this.overlay.preview, to: at };
      this.overlay.redraw();
    }
    const over = this.editable && this.tool === "select" && p && pick(this.overlay.placed(), p);
    this.#element.style.cursor = this.tool !== "select" ? "crosshair" : over ? "move" : "";
  }

  #up(_e: PointerEvent): void {
    const drag = this.#drag;
    if (!drag) return;
    const now = drag.now;
    if (now) {
      if (now.kind === "level") this.actions.redraw(now.id, { price: now.price });
      else this.actions.redraw(now.id, { from: now.from, to: now.to });
    }
    this.#endDrag();
  }

  #endDrag(): void {
    this.#drag = null;
    this.handles.chart.applyOptions({ handleScroll: true, handleScale: true });
    this.#show();
  }

  #crosshair(param: MouseEventParams<Time>): void {
    const point = param.point && param.paneIndex === 0 ? this.overlay.at(param.point) : null;
    this.actions.crosshair(
      point && Math.abs(point.price) <= 1e9 ? { symbol: this.symbol, ...point } : null,
    );
  }
}
