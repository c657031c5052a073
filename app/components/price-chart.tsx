import { type ReactNode, useCallback, useEffect, useRef, useState } from "react";
import { useStore } from "zustand";
import type { LongRange } from "../lib/chart-ranges.ts";
import {
  applyChartColors,
  applyPriceDecimals,
  type ChartHandles,
  createPriceChart,
} from "../lib/chart-setup.ts";
import { type ChartLayer, ChartSync } from "../lib/chart-sync.ts";
import {
  type ColorScheme,
  chartColors,
  currentScheme,
  useColorScheme,
} from "../lib/color-scheme.ts";
import type { TickerStore } from "../lib/ticker-store.ts";
import type { Timeframe } from "../lib/timeframes.ts";

/** What a layer drawn over the chart (indicators, compared symbols) is given. */
export type ChartAccess = {
  handles: ChartHandles;
  /** Adds a layer to the chart and draws it; the function it returns takes it off. */
  attach: (layer: ChartLayer) => () => void;
  scheme: ColorScheme;
};

type Props = {
  store: TickerStore;
  timeframe: Timeframe;
  /** A range longer than the live day, fetched once and kept live; null draws the live day. */
  range?: LongRange | null;
  /** Loads the code that draws a long range (the caller's dynamic import, like `studies`). */
  loadRange?: () => Promise<typeof import("../lib/range-sync.ts")>;
  /**
   * Drawn over the chart once it exists. The caller loads it (lazily): a dynamic import from
   * this chunk would cost the page's first load a chunk of shared code of its own.
   */
  studies?: ((chart: ChartAccess) => ReactNode) | null;
};

/**
 * The price chart. It is created once; live data reaches it through a store subscription and
 * `series.update`, never through React state.
 */
export default function PriceChart(props: Props) {
  const { store, timeframe, range = null, loadRange, studies = null } = props;
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<ChartHandles | null>(null);
  const sync = useRef<ChartSync | null>(null);
  const shown = useRef<Timeframe | null>(null);
  const [handles, setHandles] = useState<ChartHandles | null>(null);
  const scheme = useColorScheme();
  const decimals = useStore(store, (s) => s.decimals);
  const loading = useStore(store, (s) => s.phase === "loading");

  useEffect(() => {
    if (!container.current) return;
    const created = createPriceChart(container.current, chartColors(currentScheme()));
    chart.current = created;
    setHandles(created);
    return () => {
      chart.current = null;
      created.layers.clear();
      created.chart.remove();
    };
  }, []);

  useEffect(() => {
    if (chart.current) applyPriceDecimals(chart.current, decimals);
  }, [decimals]);

  useEffect(() => {
    const handles = chart.current;
    if (!handles) return;
    applyChartColors(handles, chartColors(scheme));
    const target = container.current;
    if (range && loadRange && target) {
      // Long ranges are a chunk of their own, loaded when one is first chosen.
      let stop: (() => void) | null = null;
      let gone = false;
      // A chunk that fails to load is reported by the browser, and the chart stays empty.
      void loadRange().then((m) => {
        if (!gone) stop = m.showRange(handles, target, store, range);
      });
      shown.current = null;
      return () => {
        gone = true;
        stop?.();
      };
    }
    const current = new ChartSync(handles, timeframe);
    sync.current = current;
    // Only a new timeframe moves the view; a new colour scheme keeps the user's scroll and zoom.
    current.reset(store.getState(), shown.current === timeframe);
    shown.current = timeframe;
    const unsubscribe = store.subscribe((state) => current.apply(state));
    return () => {
      unsubscribe();
      current.dispose();
      if (sync.current === current) sync.current = null;
    };
  }, [store, timeframe, scheme, range, loadRange]);

  const attach = useCallback((layer: ChartLayer) => {
    const handles = chart.current;
    if (!handles) return () => undefined;
    handles.layers.add(layer);
    sync.current?.load(layer);
    return () => {
      handles.layers.delete(layer);
    };
  }, []);

  const symbol = useStore(store, (s) => s.symbol);
  useEffect(() => {
    if (!handles) return;
    // A stock's extended hours are shaded by a chunk of its own, off the page's first load; it
    // tells stocks from crypto, as the market calendar here would be a chunk more on that load.
    let stop: (() => void) | undefined;
    let gone = false;
    void import("../lib/extended-shade.ts").then((m) => {
      if (!gone) stop = m.shadeExtendedHours(handles, attach, symbol);
    });
    return () => {
      gone = true;
      stop?.();
    };
  }, [handles, attach, symbol]);

  return (
    <div className="chart-frame">
      <div ref={container} className="chart" data-testid="chart" />
      {handles && studies ? studies({ handles, attach, scheme }) : null}
      {loading ? (
        <div className="chart-skeleton" aria-hidden="true">
          <span className="skeleton" />
        </div>
      ) : null}
    </div>
  );
}
