/**
 * The figures of every indicator and compared symbol, written over the top-left corner of the
 * pane each is drawn in, as trading screens do. Plain DOM, written only when a figure changes:
 * live values change many times a second, and none of that goes through React.
 */
import type { IChartApi } from "lightweight-charts";

type Row = {
  el: HTMLElement;
  value: HTMLElement;
  text: string;
  /** Position in its pane's list; the list reads in this order. */
  order: number;
  pane: () => number;
};

/** Lightweight Charts draws a 1 px separator between panes. */
const SEPARATOR_PX = 1;

/** What the layers use of the legend. */
export type Legend = Pick<
  StudyLegend,
  "add" | "remove" | "set" | "layout" | "recolor" | "place" | "dispose"
>;

export class StudyLegend {
  readonly #chart: IChartApi;
  readonly #root: HTMLElement;
  readonly #rows = new Map<string, Row>();
  readonly #groups: (HTMLElement | undefined)[] = [];
  /** The pane tops last written, to write again only when a pane moved. */
  #tops = "";
  #scheduled = false;

  constructor(chart: IChartApi, root: HTMLElement) {
    this.#chart = chart;
    this.#root = root;
  }

  /** A row `key` named `name`, drawn in `color`, in the pane `pane()` says. */
  add(key: string, name: string, color: string, order: number, pane: () => number): void {
    this.remove(key);
    const el = document.createElement("li");
    el.className = "study-legend-row";
    el.dataset.study = key;
    const swatch = document.createElement("span");
    swatch.className = "study-swatch";
    swatch.style.background = color;
    const label = document.createElement("span");
    label.className = "study-name";
    label.textContent = name;
    const value = document.createElement("span");
    value.className = "study-value";
    // The space is for reading the row as text; the layout spaces the parts itself.
    el.append(swatch, label, " ", value);
    this.#rows.set(key, { el, value, text: "", order, pane });
    this.layout();
  }

  /** A row's colour, and its place in its list when given (the next `layout` applies it). */
  recolor(key: string, color: string, order?: number): void {
    const row = this.#rows.get(key);
    if (!row) return;
    if (order !== undefined) row.order = order;
    const swatch = row.el.firstElementChild;
    if (swatch instanceof HTMLElement) swatch.style.background = color;
  }

  remove(key: string): void {
    const row = this.#rows.get(key);
    if (!row) return;
    row.el.remove();
    this.#rows.delete(key);
    this.layout();
  }

  set(key: string, text: string): void {
    const row = this.#rows.get(key);
    if (!row || row.text === text) return;
    row.text = text;
    row.value.textContent = text;
    // Panes move when one is added or removed, or a separator is dragged: checked once a frame
    // while figures change, which costs a few reads of numbers the chart already holds.
    if (!this.#scheduled) {
      this.#scheduled = true;
      requestAnimationFrame(() => {
        this.#scheduled = false;
        this.place();
      });
    }
  }

  /** Puts every row in its pane's list, in order, and the lists at their panes. */
  layout(): void {
    const byPane: Row[][] = [];
    for (const row of this.#rows.values()) {
      const pane = row.pane();
      const rows = byPane[pane];
      if (rows) rows.push(row);
      else byPane[pane] = [row];
    }
    for (let i = 0; i < Math.max(byPane.length, this.#groups.length); i++) {
      const rows = (byPane[i] ?? []).sort((a, b) => a.order - b.order);
      let group = this.#groups[i];
      if (rows.length === 0) {
        group?.remove();
        this.#groups[i] = undefined;
        continue;
      }
      if (!group) {
        group = document.createElement("ul");
        group.className = "study-legend";
        this.#groups[i] = group;
      }
      if (!group.isConnected) this.#root.append(group);
      for (const row of rows) group.append(row.el);
    }
    this.#tops = "";
    this.place();
  }

  /** Moves each list to the top of its pane. */
  place(): void {
    const panes = this.#chart.panes();
    const tops: number[] = [];
    let top = 0;
    for (const pane of panes) {
      tops.push(top);
      top += pane.getHeight() + SEPARATOR_PX;
    }
    const key = tops.join(",");
    if (key === this.#tops) return;
    this.#tops = key;
    this.#groups.forEach((group, i) => {
      if (group) group.style.top = `${tops[i] ?? 0}px`;
    });
  }

  dispose(): void {
    for (const group of this.#groups) group?.remove();
    this.#rows.clear();
  }
}
