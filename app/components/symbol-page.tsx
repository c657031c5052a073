import { Redirect, useSearch } from "wouter";
import { canonicalSymbol } from "../../party/protocol/index.ts";
import { ErrorPanel } from "./error-panel.tsx";
import { TickerView } from "./ticker-view.tsx";

type Props = { raw: string };

// A symbol's page opened from its link: the chart's code starts loading beside the app's, instead
// of once React has rendered the page around it (the lazy import then finds it loaded).
if (typeof location !== "undefined" && location.pathname.startsWith("/s/")) {
  void import("./price-chart.tsx");
}

/** `/s/:symbol`: room ids are case-sensitive, so any other spelling moves to the canonical one. */
export function SymbolPage({ raw }: Props) {
  const search = useSearch();
  const symbol = canonicalSymbol(decode(raw));
  if (symbol === null) {
    return (
      <ErrorPanel title="Not a symbol">
        “{decode(raw).slice(0, 24)}” cannot be a symbol: symbols have 1 to 15 letters, digits, dots
        or dashes, e.g. AAPL, BRK.B or BTC-USD.
      </ErrorPanel>
    );
  }
  if (symbol !== raw) return <Redirect to={`/s/${symbol}${search ? `?${search}` : ""}`} replace />;
  // A new symbol is a new room: a fresh view, socket and chart.
  return <TickerView key={symbol} symbol={symbol} />;
}

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
