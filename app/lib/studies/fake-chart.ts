/**
 * A stand-in for the chart, for the layers' tests: series record what they were given, panes
 * come and go as Lightweight Charts' do (a pane left without series goes, except the first two).
 */
import type { Candle } from "../../../party/protocol/market.ts";
import type { ChartHandles } from "../chart-setup.ts";
import type { ChartColors } from "../color-scheme.ts";
import type { Legend } from "./study-legend.ts";
import type { StudyPalette } from "./study-palette.ts";

export type Point = { time: number; value?: number; open?: number; close?: number; color?: string };

export class FakeSeries {
  data: Point[] = [];
  setDataCalls = 0;
  updates: Point[] = [];
  options: Record<string, unknown> = {};
  constructor(
    readonly chart: FakeChart,
    public pane: FakePane,
    readonly kind: string,
  ) {}
  setData(data: Point[]): void {
    this.setDataCalls++;
    this.data = data.slice();
  }
  update(point: Point): void {
    this.updates.push(point);
    const last = this.data[this.data.length - 1];
    if (last && last.time === point.time) this.data[this.data.length - 1] = point;
    else this.data.push(point);
  }
  applyOptions(options: Record<string, unknown>): void {
    Object.assign(this.options, options);
  }
  getPane(): FakePane {
    return this.pane;
  }
  createPriceLine(): void {}
  /** The values drawn, whitespace left out. */
  values(): number[] {
    return this.data.flatMap((p) => (p.value === undefined ? [] : [p.value]));
  }
}

export class FakePane {
  series: FakeSeries[] = [];
  constructor(readonly chart: FakeChart) {}
  paneIndex(): number {
    return this.chart.paneList.indexOf(this);
  }
  moveTo(index: number): void {
    const list = this.chart.paneList;
    list.splice(list.indexOf(this), 1);
    list.splice(index, 0, this);
  }
  getHeight(): number {
    return 100;
  }
  setStretchFactor(): void {}
}

export class FakeChart {
  paneList: FakePane[] = [new FakePane(this), new FakePane(this)];
  range = { from: 0, to: 100 };
  readonly all: FakeSeries[] = [];
  panes(): FakePane[] {
    return this.paneList;
  }
  addSeries(definition: { kind: string }, _options: unknown, paneIndex = 0): FakeSeries {
    if (paneIndex >= this.paneList.length) this.paneList.push(new FakePane(this));
    const pane = this.paneList[paneIndex] as FakePane;
    const series = new FakeSeries(this, pane, definition.kind);
    pane.series.push(series);
    this.all.push(series);
    return series;
  }
  removeSeries(series: FakeSeries): void {
    const pane = series.pane;
    pane.series = pane.series.filter((s) => s !== series);
    if (pane.series.length === 0 && pane.paneIndex() > 1) {
      this.paneList.splice(pane.paneIndex(), 1);
    }
  }
  timeScale() {
    return {
      getVisibleLogicalRange: () => this.range,
      setVisibleLogicalRange: (range: { from: number; to: number }) => {
        this.range = range;
      },
      subscribeVisibleLogicalRangeChange: () => undefined,
      unsubscribeVisibleLogicalRangeChange: () => undefined,
    };
  }
  chartElement() {
    return { clientWidth: 1200 };
  }
  applyOptions(): void {}
}

const COLORS: ChartColors = {
  background: "#fff",
  text: "#555",
  grid: "#eee",
  border: "#ddd",
  crosshair: "#888",
  up: "#0a0",
  down: "#a00",
  volumeUp: "#0a06",
  volumeDown: "#a006",
  line: "#00f",
};

export const PALETTE: StudyPalette = {
  lines: ["#1", "#2", "#3"],
  compare: ["#c1", "#c2"],
  signal: "#s",
  up: "#u",
  down: "#d",
  level: "#l",
};

export function fakeHandles(): { handles: ChartHandles; chart: FakeChart } {
  const chart = new FakeChart();
  const add = (kind: string, pane = 0) => chart.addSeries({ kind }, {}, pane);
  const handles = {
    chart,
    candles: add("candles"),
    line: add("line"),
    volume: add("volume", 1),
    colors: COLORS,
    decimals: 2,
    layers: new Set(),
    percentBase: null,
    definitions: { line: { kind: "line" }, histogram: { kind: "histogram" } },
  } as unknown as ChartHandles;
  return { handles, chart };
}

/** A legend that keeps its figures by key. */
export function fakeLegend(): Legend & { figures: Map<string, string> } {
  const figures = new Map<string, string>();
  return {
    figures,
    add: (key) => figures.set(key, ""),
    remove: (key) => figures.delete(key),
    set: (key, text) => figures.set(key, text),
    layout: () => undefined,
    recolor: () => undefined,
    place: () => undefined,
    dispose: () => figures.clear(),
  };
}

/** `count` one-minute candles from `start`, closing on a gentle walk. */
export function minuteCandles(count: number, start: number, from = 100): Candle[] {
  return Array.from({ length: count }, (_, i): Candle => {
    const close = from + Math.sin(i / 5) * 2 + i * 0.01;
    return [start + i * 60_000, close - 0.1, close + 0.2, close - 0.3, close, 10 + (i % 7)];
  });
}
