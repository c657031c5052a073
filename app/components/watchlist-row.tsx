import { type DragEvent, type KeyboardEvent, memo, useRef } from "react";
import { useSymbolInfo } from "../lib/symbol-directory.ts";
import type { TickerStore } from "../lib/ticker-store.ts";
import { useInView } from "../lib/use-in-view.ts";
import { useQuoteSummary } from "../lib/use-quote-summary.ts";
import { useTickerRoom } from "../lib/use-ticker-room.ts";
import { CompactQuote } from "./compact-quote.tsx";
import { Sparkline } from "./sparkline.tsx";

export type RowActions = {
  select(symbol: string): void;
  remove(symbol: string): void;
  keyDown(event: KeyboardEvent, symbol: string): void;
  dragStart(event: DragEvent, symbol: string): void;
  dragOver(event: DragEvent, index: number): void;
  drop(event: DragEvent, index: number): void;
  dragEnd(): void;
};

type Props = {
  symbol: string;
  index: number;
  selected: boolean;
  editable: boolean;
  /** Where a dragged row would land, drawn as a line on this row. */
  drop: "before" | "after" | undefined;
  actions: RowActions;
};

/**
 * One symbol of the list, fed by its own quote-mode socket: at most one frame a second, applied
 * once per animation frame with every other row's. Only a row on screen draws its quote, so a
 * long list costs what its visible rows cost; the socket stays open, so a row scrolled into
 * view shows the current price at once.
 */
export const WatchlistRow = memo(function WatchlistRow(props: Props) {
  const { symbol, index, selected, editable, drop, actions } = props;
  const store = useTickerRoom(symbol, "quote");
  const info = useSymbolInfo(symbol);
  const row = useRef<HTMLLIElement>(null);
  const inView = useInView(row);

  return (
    <li
      ref={row}
      className="wl-row"
      data-symbol={symbol}
      data-selected={selected || undefined}
      data-drop={drop}
      draggable={editable}
      onDragStart={editable ? (event) => actions.dragStart(event, symbol) : undefined}
      onDragOver={editable ? (event) => actions.dragOver(event, index) : undefined}
      onDrop={editable ? (event) => actions.drop(event, index) : undefined}
      onDragEnd={editable ? actions.dragEnd : undefined}
    >
      {editable ? (
        <span className="wl-grip" title="Drag to reorder (or Alt+↑ / Alt+↓)">
          <svg viewBox="0 0 8 14" aria-hidden="true">
            <circle cx="2" cy="2" r="1.2" />
            <circle cx="6" cy="2" r="1.2" />
            <circle cx="2" cy="7" r="1.2" />
            <circle cx="6" cy="7" r="1.2" />
            <circle cx="2" cy="12" r="1.2" />
            <circle cx="6" cy="12" r="1.2" />
          </svg>
        </span>
      ) : null}
      <button
        type="button"
        className="wl-row-main"
        aria-current={selected ? "true" : undefined}
        aria-keyshortcuts={editable ? "Alt+ArrowUp Alt+ArrowDown" : undefined}
        onClick={() => actions.select(symbol)}
        onKeyDown={(event) => actions.keyDown(event, symbol)}
      >
        <span className="wl-row-id">
          <span className="wl-row-symbol">{symbol}</span>
          <span className="wl-row-name">{info?.name ?? ""}</span>
        </span>
        {inView ? <RowQuote store={store} /> : null}
      </button>
      {editable ? (
        <button
          type="button"
          className="wl-remove"
          aria-label={`Remove ${symbol}`}
          title={`Remove ${symbol}`}
          onClick={() => actions.remove(symbol)}
        >
          <svg viewBox="0 0 24 24" aria-hidden="true">
            <path d="M6 6l12 12M18 6L6 18" />
          </svg>
        </button>
      ) : null}
    </li>
  );
});

/** The live part of a row: re-rendered by its own quote only; the flash is CSS, not state. */
function RowQuote({ store }: { store: TickerStore }) {
  const { quote, decimals, spark, failed, direction } = useQuoteSummary(store);
  return (
    <>
      <Sparkline closes={spark} price={quote?.price} direction={direction} />
      {quote ? (
        <CompactQuote quote={quote} decimals={decimals} priceClass="wl-row-price" />
      ) : failed ? (
        <span className="wl-row-price tile-unavailable">Unavailable</span>
      ) : (
        <span className="wl-row-price" aria-hidden="true">
          <span className="skeleton skeleton-row-price" />
        </span>
      )}
    </>
  );
}
