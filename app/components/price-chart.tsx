import { useEffect, useRef } from "react";
import { useStore } from "zustand";
import {
  applyChartColors,
  applyPriceDecimals,
  type ChartHandles,
  createPriceChart,
} from "../lib/chart-setup.ts";
import { ChartSync } from "../lib/chart-sync.ts";
import { chartColors, currentScheme, useColorScheme } from "../lib/color-scheme.ts";
import type { TickerStore } from "../lib/ticker-store.ts";
import type { Timeframe } from "../lib/timeframes.ts";

type Props = { store: TickerStore; timeframe: Timeframe };

/**
 * The price chart. It is created once; live data reaches it through a store subscription and
 * `series.update`, never through React state.
 */
export default function PriceChart({ store, timeframe }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<ChartHandles | null>(null);
  const shown = useRef<Timeframe | null>(null);
  const scheme = useColorScheme();
  const decimals = useStore(store, (s) => s.decimals);
  const loading = useStore(store, (s) => s.phase === "loading");

  useEffect(() => {
    if (!container.current) return;
    const handles = createPriceChart(container.current, chartColors(currentScheme()));
    chart.current = handles;
    return () => {
      chart.current = null;
      handles.chart.remove();
    };
  }, []);

  useEffect(() => {
    if (chart.current) applyPriceDecimals(chart.current, decimals);
  }, [decimals]);

  useEffect(() => {
    const handles = chart.current;
    if (!handles) return;
    applyChartColors(handles, chartColors(scheme));
    const sync = new ChartSync(handles, timeframe);
    // Only a new timeframe moves the view; a new colour scheme keeps the user's scroll and zoom.
    sync.reset(store.getState(), shown.current === timeframe);
    shown.current = timeframe;
    return store.subscribe((state) => sync.apply(state));
  }, [store, timeframe, scheme]);

  return (
    <div className="chart-frame">
      <div ref={container} className="chart" data-testid="chart" />
      {loading ? (
        <div className="chart-skeleton" aria-hidden="true">
          <span className="skeleton" />
        </div>
      ) : null}
    </div>
  );
}
