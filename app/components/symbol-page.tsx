import { Redirect, useSearch } from "wouter";
import { canonicalSymbol } from "../../party/protocol/index.ts";
import { decodeSegment as decode } from "../lib/symbol-route.ts";
import { ErrorPanel } from "./error-panel.tsx";
import { TickerView } from "./ticker-view.tsx";

type Props = { raw: string };

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
