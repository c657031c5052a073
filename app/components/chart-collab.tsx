/**
 * Working together on a list's chart: the shared drawings and everyone else's crosshair,
 * drawn over the chart, with the drawing tools for editors and a compact list of the drawings
 * (for reading them exactly, and for keyboards). Loaded only with a list page's chart.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import { useStore } from "zustand";
import { crosshairsOn } from "../lib/collab-crosshairs.ts";
import { drawingsOn } from "../lib/collab-drawings.ts";
import { CollabOverlay } from "../lib/collab-overlay.ts";
import { DrawingTools, type Tool } from "../lib/drawing-tools.ts";
import { formatPrice } from "../lib/format.ts";
import type { WatchlistRoom } from "../lib/use-watchlist-room.ts";
import type { WatchlistState } from "../lib/watchlist-state.ts";
import type { ChartAccess } from "./price-chart.tsx";
import "./chart-collab.css";

type Props = ChartAccess & { symbol: string; room: WatchlistRoom; editable: boolean };

const TOOLS: { id: Tool; label: string }[] = [
  { id: "select", label: "Select" },
  { id: "level", label: "Level" },
  { id: "trend", label: "Trend line" },
];

const othersHere = (s: WatchlistState, symbol: string) =>
  crosshairsOn(s.crosshairs, symbol, s.users, s.you?.id ?? null);

export default function ChartCollab({ handles, attach, symbol, room, editable }: Props) {
  const { store } = room;
  const root = useRef<HTMLDivElement>(null);
  const [tools, setTools] = useState<DrawingTools | null>(null);
  const [tool, setTool] = useState<Tool>("select");
  const [selected, setSelected] = useState<string | null>(null);
  const view = useStore(store, (s) => s.drawings.view);
  const drawings = useMemo(() => drawingsOn(view, symbol), [view, symbol]);
  // Only who points here is React's; where they point goes straight to the chart.
  const pointing = useStore(store, (s) =>
    othersHere(s, symbol)
      .map((c) => `${c.user}\u0000${c.name}\u0000${c.color}`)
      .join("\u0001"),
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: made once per chart and symbol; the room's functions and the tool reach it through the effects below.
  useEffect(() => {
    const overlay = new CollabOverlay(handles);
    const detach = attach(overlay);
    const controller = new DrawingTools(
      handles,
      overlay,
      symbol,
      {
        draw: room.draw,
        redraw: room.redraw,
        crosshair: room.crosshair,
        select: setSelected,
        placed: () => setTool("select"),
      },
      () => store.getState().you?.color ?? "#888888",
    );
    const paint = (s: WatchlistState) => {
      overlay.crosshairs = othersHere(s, symbol);
      controller.setDrawings(drawingsOn(s.drawings.view, symbol));
    };
    paint(store.getState());
    const unsubscribe = store.subscribe(paint);
    setTools(controller);
    return () => {
      unsubscribe();
      controller.dispose();
      overlay.dispose(handles.layers.has(overlay));
      detach();
      setTools(null);
    };
  }, [handles, attach, symbol, store]);

  useEffect(() => {
    if (!tools) return;
    tools.editable = editable;
    tools.tool = editable ? tool : "select";
    tools.cancel();
  }, [tools, tool, editable]);

  useEffect(() => {
    if (!tools) return;
    const known = selected !== null && drawings.some((d) => d.id === selected);
    tools.setSelection(known ? selected : null);
  }, [tools, selected, drawings]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const frame = root.current?.parentElement;
      const target = e.target as Node | null;
      // Keys belong to the chart only while nothing else (a field, a row) has the focus.
      if (target !== document.body && !(frame && target && frame.contains(target))) return;
      if (e.key === "Escape") {
        setTool("select");
        setSelected(null);
        tools?.cancel();
      } else if ((e.key === "Delete" || e.key === "Backspace") && editable && selected) {
        if ((e.target as HTMLElement).tagName === "INPUT") return;
        e.preventDefault();
        room.undraw(selected);
        setSelected(null);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [tools, editable, selected, room]);

  const decimals = handles.decimals;
  const people = pointing === "" ? [] : pointing.split("\u0001").map((p) => p.split("\u0000"));
  const kindName = (kind: string) => (kind === "level" ? "Level" : "Trend line");
  const priceOf = (d: (typeof drawings)[number]) =>
    d.kind === "level"
      ? formatPrice(d.price, decimals)
      : `${formatPrice(d.from.price, decimals)} → ${formatPrice(d.to.price, decimals)}`;

  return (
    <div ref={root} className="collab">
      {editable ? (
        <div className="collab-tools" role="toolbar" aria-label="Drawing tools">
          {TOOLS.map((t) => (
            <button
              key={t.id}
              type="button"
              className="collab-tool"
              aria-pressed={tool === t.id}
              onClick={() => setTool(t.id)}
            >
              {t.label}
            </button>
          ))}
          <button
            type="button"
            className="collab-tool"
            disabled={selected === null}
            onClick={() => {
              if (selected) room.undraw(selected);
              setSelected(null);
            }}
          >
            Delete
          </button>
        </div>
      ) : null}
      {people.length > 0 ? (
        <p className="collab-pointers">
          <span className="visually-hidden">Pointing at this chart: </span>
          {people.map(([user, name, color]) => (
            <span key={user} className="collab-pointer" data-user={user} style={{ color }}>
              {name}
            </span>
          ))}
        </p>
      ) : null}
      {drawings.length > 0 ? (
        <section className="collab-list" aria-label="Drawings">
          <ul>
            {drawings.map((d) => (
              <li
                key={d.id}
                data-drawing={d.kind}
                data-price={d.kind === "level" ? d.price : undefined}
                data-by={d.by}
                data-selected={d.id === selected || undefined}
              >
                <button
                  type="button"
                  className="collab-item"
                  aria-pressed={d.id === selected}
                  onClick={() => setSelected(d.id)}
                >
                  <span className="collab-swatch" style={{ background: d.color }} />
                  {kindName(d.kind)} {priceOf(d)} · {d.by}
                </button>
                {editable ? (
                  <button
                    type="button"
                    className="collab-remove"
                    aria-label={`Delete ${kindName(d.kind).toLowerCase()} at ${priceOf(d)}`}
                    onClick={() => {
                      room.undraw(d.id);
                      if (selected === d.id) setSelected(null);
                    }}
                  >
                    ×
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
