import {
  type DragEvent,
  type KeyboardEvent,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { type RowActions, WatchlistRow } from "./watchlist-row.tsx";

type Props = {
  symbols: readonly string[];
  current: string | null;
  editable: boolean;
  onSelect(symbol: string): void;
  onAct(): void;
  onMove(symbol: string, index: number): void;
  onRemove(symbol: string): void;
};

/** Keys that only move focus around are not acting on the list. */
const NAVIGATION_ONLY = new Set(["Tab", "Shift", "Control", "Alt", "Meta"]);

/**
 * The list's rows. Editors reorder them by dragging or with Alt+↑ / Alt+↓ on a focused row;
 * ↑ ↓ Home End move between rows, Enter or Space opens a row's chart.
 */
export function WatchlistRows(props: Props) {
  const { symbols, current, editable } = props;
  const list = useRef<HTMLOListElement>(null);
  const latest = useRef(props);
  latest.current = props;
  const [dragging, setDragging] = useState<string | null>(null);
  const [over, setOver] = useState<number | null>(null);
  /** A row moved by keyboard keeps focus, wherever React put its element. */
  const refocus = useRef<string | null>(null);

  useLayoutEffect(() => {
    if (refocus.current === null) return;
    focusRow(list.current, refocus.current);
    refocus.current = null;
  });

  // One object for every row, whatever changes: rows re-render for their own data only.
  const actions = useMemo<RowActions>(
    () => ({
      select: (symbol) => latest.current.onSelect(symbol),
      remove: (symbol) => {
        const { symbols, onRemove, onAct } = latest.current;
        onAct();
        // Focus goes to the next row (or the one before), not to the top of the page.
        const at = symbols.indexOf(symbol);
        focusRow(list.current, symbols[at + 1] ?? symbols[at - 1]);
        onRemove(symbol);
      },
      keyDown: (event: KeyboardEvent, symbol: string) => {
        const { symbols, editable, onMove, onAct } = latest.current;
        if (!NAVIGATION_ONLY.has(event.key)) onAct();
        const at = symbols.indexOf(symbol);
        const up = event.key === "ArrowUp";
        if (!up && event.key !== "ArrowDown" && event.key !== "Home" && event.key !== "End") return;
        event.preventDefault();
        if (event.altKey && (up || event.key === "ArrowDown")) {
          const to = at + (up ? -1 : 1);
          if (!editable || to < 0 || to >= symbols.length) return;
          refocus.current = symbol;
          onMove(symbol, to);
          return;
        }
        const next =
          event.key === "Home" ? 0 : event.key === "End" ? symbols.length - 1 : at + (up ? -1 : 1);
        focusRow(list.current, symbols[next]);
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
        const { symbols, onMove, onAct } = latest.current;
        setDragging(null);
        setOver(null);
        if (!symbols.includes(symbol) || symbols.indexOf(symbol) === index) return;
        onAct();
        onMove(symbol, index);
      },
      dragEnd: () => {
        setDragging(null);
        setOver(null);
      },
    }),
    [],
  );

  const from = dragging === null ? -1 : symbols.indexOf(dragging);
  return (
    <ol ref={list} className="wl-rows" aria-label="Symbols">
      {symbols.map((symbol, index) => (
        <WatchlistRow
          key={symbol}
          symbol={symbol}
          index={index}
          selected={symbol === current}
          editable={editable}
          drop={
            over === index && from >= 0 && from !== index
              ? index > from
                ? "after"
                : "before"
              : undefined
          }
          actions={actions}
        />
      ))}
    </ol>
  );
}

function focusRow(list: HTMLElement | null, symbol: string | undefined): void {
  if (symbol === undefined) return;
  list?.querySelector<HTMLElement>(`[data-symbol="${symbol}"] .wl-row-main`)?.focus();
}
