import { useStore } from "zustand";
import { extendedHours } from "../lib/market-state.ts";
import { useSymbolInfo } from "../lib/symbol-directory.ts";
import type { TickerStore } from "../lib/ticker-store.ts";
import { ExtendedQuote } from "./extended-quote.tsx";
import { LastPrice } from "./last-price.tsx";
import { MarketState } from "./market-state.tsx";
import { QuoteChange } from "./quote-change.tsx";
import { QuoteSkeleton } from "./quote-skeleton.tsx";
import { QuoteStats } from "./quote-stats.tsx";
import { SourceBadge } from "./source-badge.tsx";

type Props = {
  store: TickerStore;
  symbol: string;
  level?: 1 | 2;
  /** The company name may load: its directory is not on the way to the live price. */
  names: boolean;
};

export function QuoteHeader({ store, symbol, level = 1, names }: Props) {
  const Heading = level === 1 ? "h1" : "h2";
  const hasQuote = useStore(store, (s) => s.quote !== null);
  const info = useSymbolInfo(symbol, names);
  const extended = useStore(store, (s) => extendedHours(s.quote) !== null);
  return (
    <header className="quote-header">
      <div className="quote-grid">
        <div className="quote-title">
          <Heading id="ticker-symbol" className="quote-symbol">
            {symbol}
          </Heading>
          <SourceBadge store={store} />
          <MarketState store={store} />
          <span className="quote-name">{info?.name ?? "\u00a0"}</span>
        </div>
        <div className="quote-price">
          {!hasQuote ? (
            <QuoteSkeleton store={store} />
          ) : extended ? (
            <ExtendedQuote store={store} />
          ) : (
            <>
              <LastPrice store={store} />
              <QuoteChange store={store} />
            </>
          )}
        </div>
        <QuoteStats store={store} />
      </div>
    </header>
  );
}
