import {
  type DragEvent,
  type FocusEvent,
  type KeyboardEvent,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import type { AlertView } from "../../party/protocol/index.ts";
import { alertsBySymbol } from "../lib/list-alerts.ts";
import { useSortedSymbols } from "../lib/use-sorted-symbols.ts";
import type { Sort } from "../lib/watchlist-sort.ts";
import { RowAlerts } from "./row-alerts.tsx";
import { SortHeader } from "./sort-header.tsx";
import { type RowActions, WatchlistRow } from "./watchlist-row.tsx";

type Props = {
  symbols: readonly string[];
  current: string | null;
  editable: boolean;
  /** The viewer's own sort, or null for the list's shared order. */
  sort: Sort | null;
  onSort(sort: Sort | null): void;
  onSelect(symbol: string): void;
  onAct(): void;
  onMove(symbol: string, index: number): void;
  onRemove(symbol: string): void;
  /** The list's alerts, and what editors do with them. */
  alerts: readonly AlertView[];
  onSetAlert(symbol: string): void;
  onRemoveAlert(alertId: string): void;
};

/** Keys that only move focus around are not acting on the list. */
const NAVIGATION_ONLY = new Set(["Tab", "Shift", "Control", "Alt", "Meta"]);

const COLUMN_NAMES: Record<Sort["key"], string> = {
  symbol: "Symbol",
  last: "Last",
  change: "Change",
  changePct: "Change %",
  volume: "Volume",
  dayRange: "Day range",
  range52: "52-week range",
  session: "Market",
};

/**
 * The list's rows as a table whose column headers sort it for this viewer only. Editors
 * reorder the shared list by dragging or with Alt+↑ / Alt+↓ on a focused row, while no sort is
 * on; ↑ ↓ Home End move between rows as shown, Enter or Space opens a row's chart.
 */
export function WatchlistRows(props: Props) {
  const { symbols, current, editable, sort, onSort } = props;
  const shown = useSortedSymbols(symbols, sort);
  const reorderable = editable && sort === null;
  const list = useRef<HTMLTableSectionElement>(null);
  const latest = useRef({ ...props, shown });
  latest.current = { ...props, shown };
  const noteId = useId();
  const [dragging, setDragging] = useState<string | null>(null);
  const [over, setOver] = useState<number | null>(null);
  /** A row moved by keyboard keeps focus, wherever React put its element. */
  const refocus = useRef<string | null>(null);
  /** The row whose button has focus: a sorted row that moves keeps it too. */
  const focused = useRef<string | null>(null);
  const shownBefore = useRef(shown);
  if (shownBefore.current !== shown && focused.current !== null) {
    // Moving an element out of the document and back drops its focus; put it back after.
    const active = document.activeElement;
    if (active instanceof HTMLElement && active.closest(`[data-symbol="${focused.current}"]`)) {
      refocus.current ??= focused.current;
    }
  }
  shownBefore.current = shown;

  useLayoutEffect(() => {
    if (refocus.current === null) return;
    const symbol = refocus.current;
    refocus.current = null;
    // Where the row went, the page does not follow: the reader's place on it stays put.
    if (!document.activeElement?.closest(`[data-symbol="${symbol}"]`))
      focusRow(list.current, symbol, true);
  });

  // One object for every row, whatever changes: rows re-render for their own data only.
  const actions = useMemo<RowActions>(
    () => ({
      select: (symbol) => latest.current.onSelect(symbol),
      remove: (symbol) => {
        const { shown, onRemove, onAct } = latest.current;
        onAct();
        // Focus goes to the next row (or the one before), not to the top of the page.
        const at = shown.indexOf(symbol);
        focusRow(list.current, shown[at + 1] ?? shown[at - 1]);
        onRemove(symbol);
      },
      keyDown: (event: KeyboardEvent, symbol: string) => {
        const { symbols, shown, editable, sort, onMove, onAct } = latest.current;
        if (!NAVIGATION_ONLY.has(event.key)) onAct();
        const up = event.key === "ArrowUp";
        if (!up && event.key !== "ArrowDown" && event.key !== "Home" && event.key !== "End") return;
        event.preventDefault();
        if (event.altKey && (up || event.key === "ArrowDown")) {
          // A sorted view has no shared position to move to: the note above the rows says so.
          const at = symbols.indexOf(symbol);
          const to = at + (up ? -1 : 1);
          if (!editable || sort !== null || to < 0 || to >= symbols.length) return;
          refocus.current = symbol;
          onMove(symbol, to);
          return;
        }
        const at = shown.indexOf(symbol);
        const next =
          event.key === "Home" ? 0 : event.key === "End" ? shown.length - 1 : at + (up ? -1 : 1);
        focusRow(list.current, shown[next]);
      },
      focus: (_event: FocusEvent, symbol: string) => {
        focused.current = symbol;
      },
      dragStart: (event: DragEvent, symbol: string) => {
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", symbol);
        setDragging(symbol);
      },
      dragOver: (event: DragEvent, index: number) => {
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
        setOver(index);
      },
      drop: (event: DragEvent, index: number) => {
        event.preventDefault();
        const symbol = event.dataTransfer.getData("text/plain");
        const { symbols, sort, onMove, onAct } = latest.current;
        setDragging(null);
        setOver(null);
        if (sort !== null || !symbols.includes(symbol) || symbols.indexOf(symbol) === index) return;
        onAct();
        onMove(symbol, index);
      },
      dragEnd: () => {
        setDragging(null);
        setOver(null);
      },
      setAlert: (symbol) => latest.current.onSetAlert(symbol),
      removeAlert: (alertId) => latest.current.onRemoveAlert(alertId),
    }),
    [],
  );

  // Positions in the shared order, which drops and moves are about, wherever a row is shown.
  const positions = useMemo(() => new Map(symbols.map((s, i) => [s, i])), [symbols]);
  const alertsOf = useMemo(() => alertsBySymbol(props.alerts), [props.alerts]);
  const from = dragging === null ? -1 : (positions.get(dragging) ?? -1);
  const header = (key: Sort["key"], className: string) => (
    <SortHeader
      column={key}
      label={COLUMN_NAMES[key]}
      sort={sort}
      onSort={onSort}
      className={className}
    />
  );
  return (
    <>
      <div className="wl-sort-status" aria-live="polite">
        {sort === null ? null : (
          <p id={noteId} className="wl-sort-note">
            <span>
              Sorted by {COLUMN_NAMES[sort.key]},{" "}
              {sort.dir === "asc" ? "lowest first" : "highest first"}, on your screen only.
              {editable ? " Turn sorting off to reorder the shared list." : ""}
            </span>
            <button type="button" className="button button-quiet" onClick={() => onSort(null)}>
              Show list order
            </button>
          </p>
        )}
      </div>
      <div className="wl-table-frame">
        <table
          className="wl-table"
          aria-label="Symbols"
          aria-describedby={sort === null ? undefined : noteId}
          data-editable={editable || undefined}
        >
          <thead>
            <tr className="wl-row wl-row-head">
              {header("symbol", "wl-col-symbol")}
              <th scope="col" className="wl-col-spark">
                <span className="visually-hidden">Day's line</span>
              </th>
              {header("last", "wl-col-last")}
              {header("change", "wl-col-change")}
              {header("changePct", "wl-col-pct")}
              {header("volume", "wl-col-volume")}
              {header("dayRange", "wl-col-day")}
              {header("range52", "wl-col-52")}
              {header("session", "wl-col-session")}
              {editable ? (
                <th scope="col" className="wl-col-alert">
                  <span className="visually-hidden">Alerts</span>
                </th>
              ) : null}
              {editable ? (
                <th scope="col" className="wl-col-remove">
                  <span className="visually-hidden">Remove</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody
            ref={list}
            className="wl-rows"
            onBlur={(event) => {
              if (!list.current?.contains(event.relatedTarget)) focused.current = null;
            }}
          >
            {shown.flatMap((symbol) => {
              const index = positions.get(symbol) ?? 0;
              const alerts = alertsOf(symbol);
              return [
                <WatchlistRow
                  key={symbol}
                  symbol={symbol}
                  index={index}
                  selected={symbol === current}
                  editable={editable}
                  reorderable={reorderable}
                  drop={
                    over === index && from >= 0 && from !== index
                      ? index > from
                        ? "after"
                        : "before"
                      : undefined
                  }
                  alerts={alerts}
                  actions={actions}
                />,
                alerts.length > 0 ? (
                  <RowAlerts
                    key={`${symbol} alerts`}
                    symbol={symbol}
                    alerts={alerts}
                    columns={editable ? SPANNED + 2 : SPANNED}
                    editable={editable}
                    onRemove={actions.removeAlert}
                  />
                ) : null,
              ];
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

/**
 * The cells a row's alerts line spans: those a phone shows (symbol, line, last, change in
 * percent, and an editor's two). Spanning a hidden column would add an empty one to the table.
 */
const SPANNED = 4;

function focusRow(list: HTMLElement | null, symbol: string | undefined, stay = false): void {
  if (symbol === undefined) return;
  list
    ?.querySelector<HTMLElement>(`[data-symbol="${symbol}"] .wl-row-main`)
    ?.focus({ preventScroll: stay });
}
