import { lazy, Suspense } from "react";
import { Link, useSearchParams } from "wouter";
import { useStore } from "zustand";
import { type TimeframeId, timeframeById } from "../lib/timeframes.ts";
import { useDocumentTitle } from "../lib/use-document-title.ts";
import { useTickerRoom } from "../lib/use-ticker-room.ts";
import { ChartBoundary } from "./chart-boundary.tsx";
import { ChartSkeleton } from "./chart-skeleton.tsx";
import { CopyLinkButton } from "./copy-link-button.tsx";
import { ErrorPanel } from "./error-panel.tsx";
import { QuoteHeader } from "./quote-header.tsx";
import { TimeframeBar } from "./timeframe-bar.tsx";

// The chart library is the largest dependency: it loads while the socket connects.
const PriceChart = lazy(() => import("./price-chart.tsx"));

type Props = {
  symbol: string;
  /** Inside another page (a watchlist): a second-level heading, a link to the symbol's own
   * page instead of a copy button, and the tab title left to the page. */
  embedded?: boolean;
};

/** One symbol: its live quote, its chart, and the one full-mode socket that feeds both. */
export function TickerView({ symbol, embedded = false }: Props) {
  const store = useTickerRoom(symbol, "full");
  const phase = useStore(store, (s) => s.phase);
  const error = useStore(store, (s) => s.error);
  const [params, setParams] = useSearchParams();
  const timeframe = timeframeById(params.get("tf"));
  useDocumentTitle(store, !embedded);

  if (phase === "error") {
    return <ErrorPanel title={`${symbol} is not available`}>{error}</ErrorPanel>;
  }

  const choose = (id: TimeframeId) =>
    setParams(
      (p) => {
        p.set("tf", id);
        return p;
      },
      { replace: true },
    );

  return (
    <article className="ticker" aria-labelledby="ticker-symbol">
      <QuoteHeader store={store} symbol={symbol} level={embedded ? 2 : 1} />
      <div className="chart-toolbar">
        <TimeframeBar value={timeframe.id} onChange={choose} />
        {embedded ? (
          <Link href={`/s/${symbol}`} className="button button-quiet">
            Open {symbol}
          </Link>
        ) : (
          <CopyLinkButton />
        )}
      </div>
      <ChartBoundary>
        <Suspense fallback={<ChartSkeleton />}>
          <PriceChart store={store} timeframe={timeframe} />
        </Suspense>
      </ChartBoundary>
    </article>
  );
}
