import { useEffect } from "react";
import { ARROW, directionOf, formatPercent, formatPrice } from "./format.ts";
import type { TickerStore } from "./ticker-store.ts";

/** A browser tab title is read at a glance, not watched: once a second is enough. */
const TITLE_INTERVAL_MS = 1000;

/**
 * Puts the symbol and its price in the tab title, kept current without re-rendering; `enabled`
 * false leaves the title to the page around it.
 */
export function useDocumentTitle(store: TickerStore, enabled = true): void {
  useEffect(() => {
    if (!enabled) return;
    let last = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const write = () => {
      timer = undefined;
      last = Date.now();
      const { symbol, quote, decimals } = store.getState();
      document.title = quote
        ? `${symbol} ${formatPrice(quote.price, decimals)} ${ARROW[directionOf(quote.change)]}${formatPercent(quote.changePct)} · Tickerroom`
        : `${symbol} · Tickerroom`;
    };
    write();
    const unsubscribe = store.subscribe(() => {
      if (timer !== undefined) return;
      timer = setTimeout(write, Math.max(0, last + TITLE_INTERVAL_MS - Date.now()));
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [store, enabled]);
}
