import { lazy, type ReactNode, Suspense, useEffect } from "react";
import { Link, useLocation, useSearchParams } from "wouter";
import { useStore } from "zustand";
import { longRange, RANGE_BUTTONS } from "../lib/chart-ranges.ts";
import { TIMEFRAMES, timeframeById } from "../lib/timeframes.ts";
import { useDocumentTitle } from "../lib/use-document-title.ts";
import { usePriceFirst } from "../lib/use-price-first.ts";
import { useTickerRoom } from "../lib/use-ticker-room.ts";
import { ChartBoundary } from "./chart-boundary.tsx";
import { ChartSkeleton } from "./chart-skeleton.tsx";
import { CopyLinkButton } from "./copy-link-button.tsx";
import { ErrorPanel } from "./error-panel.tsx";
import type { ChartAccess } from "./price-chart.tsx";
import { QuoteHeader } from "./quote-header.tsx";
import { SegmentedBar } from "./segmented-bar.tsx";
import { StudyMenu } from "./study-menu.tsx";

// The chart library is the largest dependency: it is drawn once the price is live
// (price-first.ts), so that neither its evaluation nor its first draw stands between the
// snapshot and that price. Its download starts with the snapshot: a connection that drops just
// after the first price must not leave the page without its chart once it is back.
const loadChart = () => import("./price-chart.tsx");
const PriceChart = lazy(loadChart);
// Indicators and compared symbols load once one is chosen, their pickers when a button is
// first pressed.
const loadStudies = () => import("./chart-studies.tsx");
const ChartStudies = lazy(loadStudies);
const IndicatorPicker = lazy(() => import("./indicator-picker.tsx"));
const ComparePicker = lazy(() => import("./compare-picker.tsx"));
// Long ranges load their drawing code when one is first chosen.
const loadRange = () => import("../lib/range-sync.ts");

type Props = {
  symbol: string;
  /** Inside another page (a watchlist): a second-level heading, a link to the symbol's own
   * page instead of a copy button, the tab title left to the page, and no indicators. */
  embedded?: boolean;
  /** Drawn over the chart where no indicators are (a list's shared drawings); loaded lazily. */
  layer?: ((chart: ChartAccess) => ReactNode) | null;
};

/** Entries of a comma-separated URL value, for the count on a button: the picker checks them. */
const listed = (value: string) => (value === "" ? 0 : value.split(",").length);

/** One symbol: its live quote, its chart, and the one full-mode socket that feeds both. */
export function TickerView({ symbol, embedded = false, layer = null }: Props) {
  const store = useTickerRoom(symbol, "full");
  const phase = useStore(store, (s) => s.phase);
  const error = useStore(store, (s) => s.error);
  // The chart and the company name wait until the price is live (price-first.ts).
  const priceLive = usePriceFirst(store);
  useEffect(() => {
    if (phase === "ready") loadChart().catch(() => undefined);
  }, [phase]);
  const [params] = useSearchParams();
  const [location, navigate] = useLocation();
  const timeframe = timeframeById(params.get("tf"));
  // A range longer than the live day replaces the timeframe: it comes in the interval that suits it.
  const range = longRange(params.get("range"));
  const indicators = embedded ? "" : (params.get("ind") ?? "");
  const compare = embedded ? "" : (params.get("cmp") ?? "");
  useDocumentTitle(store, !embedded);
  const studied = !range && (indicators !== "" || compare !== "");
  // Their code loads while the chart is made and first drawn, not once it has been.
  useEffect(() => {
    if (priceLive && studied) void loadStudies();
  }, [priceLive, studied]);

  if (phase === "error") {
    return <ErrorPanel title={`${symbol} is not available`}>{error}</ErrorPanel>;
  }

  // Replaced, not pushed: the back button leaves the page rather than undoing each choice.
  // Commas stay as they are, so that a shared link reads `?ind=sma20,rsi14`.
  // `clear` goes at the same time: a timeframe chosen ends a long range.
  const setParam = (name: string, value: string, clear = "") => {
    const next = new URLSearchParams(params);
    if (value === "") next.delete(name);
    else next.set(name, value);
    next.delete(clear);
    const query = next.toString().replaceAll("%2C", ",");
    navigate(`${location}${query ? `?${query}` : ""}`, { replace: true });
  };

  return (
    <article className="ticker" aria-labelledby="ticker-symbol">
      <QuoteHeader store={store} symbol={symbol} level={embedded ? 2 : 1} names={priceLive} />
      <div className="chart-toolbar">
        <div style={{ display: "flex", flexWrap: "wrap", alignItems: "center", gap: 8 }}>
          <SegmentedBar
            legend="Range"
            options={RANGE_BUTTONS}
            value={range ?? "1d"}
            onChange={(id) => setParam("range", id)}
          />
          <SegmentedBar
            legend="Timeframe"
            options={TIMEFRAMES}
            value={range ? null : timeframe.id}
            onChange={(id) => setParam("tf", id, "range")}
          />
          {embedded || range ? null : (
            <>
              <StudyMenu label="Indicators" count={listed(indicators)}>
                {(panel) => (
                  <IndicatorPicker
                    {...panel}
                    value={indicators}
                    onChange={(value) => setParam("ind", value)}
                  />
                )}
              </StudyMenu>
              <StudyMenu label="Compare" count={listed(compare)}>
                {(panel) => (
                  <ComparePicker
                    {...panel}
                    symbol={symbol}
                    value={compare}
                    onChange={(value) => setParam("cmp", value)}
                  />
                )}
              </StudyMenu>
            </>
          )}
        </div>
        {embedded ? (
          <Link href={`/s/${symbol}`} className="button button-quiet">
            Open {symbol}
          </Link>
        ) : (
          <CopyLinkButton />
        )}
      </div>
      <ChartBoundary>
        {priceLive ? (
          <Suspense fallback={<ChartSkeleton />}>
            <PriceChart
              store={store}
              timeframe={timeframe}
              range={range}
              loadRange={loadRange}
              studies={
                !studied
                  ? layer
                  : (chart) => (
                      <Suspense fallback={null}>
                        <ChartStudies
                          {...chart}
                          symbol={symbol}
                          timeframe={timeframe}
                          indicators={indicators}
                          compare={compare}
                        />
                      </Suspense>
                    )
              }
            />
          </Suspense>
        ) : (
          <ChartSkeleton />
        )}
      </ChartBoundary>
    </article>
  );
}
