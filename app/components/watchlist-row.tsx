import { type DragEvent, type FocusEvent, type KeyboardEvent, memo, useRef } from "react";
import type { AlertView, Quote } from "../../party/protocol/index.ts";
import {
  directionOf,
  formatChange,
  formatPrice,
  formatRangeBound,
  formatVolume,
} from "../lib/format.ts";
import { hasFired } from "../lib/list-alerts.ts";
import { figure, SESSION_LABEL, sessionOf } from "../lib/market-state.ts";
import { useSymbolInfo } from "../lib/symbol-directory.ts";
import type { TickerStore } from "../lib/ticker-store.ts";
import { useFlash } from "../lib/use-flash.ts";
import { useInView } from "../lib/use-in-view.ts";
import { useQuoteSummary } from "../lib/use-quote-summary.ts";
import { useTickerRoom } from "../lib/use-ticker-room.ts";
import { ChangeText } from "./change-text.tsx";
import { RangeFigure } from "./range-figure.tsx";
import { SetAlertCell } from "./row-alerts.tsx";
import { Sparkline } from "./sparkline.tsx";

export type RowActions = {
  select(symbol: string): void;
  remove(symbol: string): void;
  keyDown(event: KeyboardEvent, symbol: string): void;
  focus(event: FocusEvent, symbol: string): void;
  dragStart(event: DragEvent, symbol: string): void;
  dragOver(event: DragEvent, index: number): void;
  drop(event: DragEvent, index: number): void;
  dragEnd(): void;
  /** Opens the dialog that sets an alert on the symbol (editors). */
  setAlert(symbol: string): void;
  removeAlert(alertId: string): void;
};

type Props = {
  symbol: string;
  /** The row's place in the list's shared order, whatever order it is shown in. */
  index: number;
  selected: boolean;
  /** Editors can remove the row. */
  editable: boolean;
  /** Editors can drag it or move it with Alt+arrows: not while the viewer has a sort on. */
  reorderable: boolean;
  /** Where a dragged row would land, drawn as a line on this row. */
  drop: "before" | "after" | undefined;
  /** The list's alerts on this symbol. */
  alerts: readonly AlertView[];
  actions: RowActions;
};

/**
 * One symbol of the list, fed by its own quote-mode socket: at most one frame a second, applied
 * once per animation frame with every other row's. Only a row on screen draws its quote, so a
 * long list costs what its visible rows cost; the socket stays open, so a row scrolled into
 * view shows the current price at once. A table row: the symbol is its header cell, and the
 * symbol's button covers the whole row, so a click anywhere on it opens the chart.
 */
export const WatchlistRow = memo(function WatchlistRow(props: Props) {
  const { symbol, index, selected, editable, reorderable, drop, alerts, actions } = props;
  const store = useTickerRoom(symbol, "quote");
  const info = useSymbolInfo(symbol);
  const row = useRef<HTMLTableRowElement>(null);
  const inView = useInView(row);

  return (
    <tr
      ref={row}
      className="wl-row"
      data-symbol={symbol}
      data-selected={selected || undefined}
      data-drop={drop}
      data-fired={hasFired(alerts) || undefined}
      draggable={reorderable}
      onDragStart={reorderable ? (event) => actions.dragStart(event, symbol) : undefined}
      onDragOver={reorderable ? (event) => actions.dragOver(event, index) : undefined}
      onDrop={reorderable ? (event) => actions.drop(event, index) : undefined}
      onDragEnd={reorderable ? actions.dragEnd : undefined}
    >
      <th scope="row" className="wl-col-symbol">
        <span className="wl-symbol">
          {reorderable ? (
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
            aria-keyshortcuts={reorderable ? "Alt+ArrowUp Alt+ArrowDown" : undefined}
            onClick={() => actions.select(symbol)}
            onKeyDown={(event) => actions.keyDown(event, symbol)}
            onFocus={(event) => actions.focus(event, symbol)}
          >
            <span className="wl-row-symbol">{symbol}</span>
            <span className="wl-row-name">{info?.name ?? ""}</span>
          </button>
        </span>
      </th>
      {inView ? (
        <RowQuote store={store} />
      ) : (
        <>
          <td className="wl-col-spark" />
          <td className="wl-col-last" />
          <QuoteCells quote={null} decimals={0} />
        </>
      )}
      {editable ? <SetAlertCell symbol={symbol} onSet={actions.setAlert} /> : null}
      {editable ? (
        <td className="wl-col-remove">
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
        </td>
      ) : null}
    </tr>
  );
});

/** The live part of a row: re-rendered by its own quote only; the flash is CSS, not state. */
function RowQuote({ store }: { store: TickerStore }) {
  const { quote, decimals, spark, failed, direction } = useQuoteSummary(store);
  const flash = useFlash<HTMLSpanElement>(quote?.price);
  return (
    <>
      <td className="wl-col-spark">
        <Sparkline closes={spark} price={quote?.price} direction={direction} />
      </td>
      <td className="wl-col-last">
        {quote ? (
          <span ref={flash} className="wl-row-price flashable">
            {formatPrice(quote.price, decimals)}
          </span>
        ) : failed ? (
          <span className="wl-row-price tile-unavailable">Unavailable</span>
        ) : (
          <span className="skeleton skeleton-row-price" aria-hidden="true" />
        )}
      </td>
      <QuoteCells quote={quote} decimals={decimals} />
    </>
  );
}

const NONE = <span className="wl-none">—</span>;

/** The columns after the last price; empty cells for a row off screen or without a quote. */
function QuoteCells({ quote, decimals }: { quote: Quote | null; decimals: number }) {
  const session = sessionOf(quote);
  const low52 = figure(quote?.low52);
  const high52 = figure(quote?.high52);
  const bound = (value: number) => formatRangeBound(value, decimals);
  const direction = directionOf(quote?.change ?? 0);
  return (
    <>
      <td className="wl-col-change">
        {quote ? (
          <span className="change" data-direction={direction}>
            {formatChange(quote.change, decimals)}
          </span>
        ) : null}
      </td>
      <td className="wl-col-pct">
        {quote ? (
          <ChangeText
            change={quote.change}
            changePct={quote.changePct}
            decimals={decimals}
            compact
          />
        ) : null}
      </td>
      <td className="wl-col-volume">{quote ? formatVolume(quote.volume) : null}</td>
      <td className="wl-col-day">
        {quote ? (
          <span className="wl-range">
            <RangeFigure low={quote.low} high={quote.high} price={quote.price} format={bound} />
          </span>
        ) : null}
      </td>
      <td className="wl-col-52">
        {quote === null ? null : low52 !== null && high52 !== null ? (
          <span className="wl-range">
            <RangeFigure low={low52} high={high52} price={quote.price} format={bound} />
          </span>
        ) : (
          NONE
        )}
      </td>
      <td className="wl-col-session">
        {quote === null ? null : session === null ? (
          NONE
        ) : (
          <span className="market-state" data-session={session}>
            {SESSION_LABEL[session]}
          </span>
        )}
      </td>
    </>
  );
}
