/**
 * True once what waits for the price may start (price-first.ts). Until then the store is
 * watched; afterwards the answer stays true for the life of the view.
 */
import { useEffect, useState } from "react";
import { secondaryStart } from "./price-first.ts";
import type { TickerStore } from "./ticker-store.ts";

/**
 * Rooms whose price has been live in a view on this page: a view that comes back to one shows
 * what the store holds at once, and starts everything else at once too. (A store can be ready
 * before its first view renders, fed by the socket the entry opened: that one still waits.)
 */
const wentLive = new WeakSet<TickerStore>();

export function usePriceFirst(store: TickerStore): boolean {
  const [started, setStarted] = useState(
    () =>
      secondaryStart({
        heldAtOpen: wentLive.has(store),
        phase: store.getState().phase,
        moved: false,
        shownForMs: null,
      }).start === "now",
  );

  useEffect(() => {
    if (started) return;
    let shownAt: number | null = null;
    let shownPrice: number | null = null;
    let frame = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const start = () => {
      wentLive.add(store);
      setStarted(true);
    };
    const check = () => {
      const { phase, quote } = store.getState();
      const now = performance.now();
      if (shownAt === null && phase === "ready") {
        shownAt = now;
        shownPrice = quote?.price ?? null;
      }
      const next = secondaryStart({
        heldAtOpen: false,
        phase,
        moved: shownAt !== null && (quote?.price ?? null) !== shownPrice,
        shownForMs: shownAt === null ? null : now - shownAt,
      });
      clearTimeout(timer);
      if (next.start === "now") start();
      // The store notifies inside an animation frame: the frame after it has painted this one.
      else if (next.start === "after-paint") frame ||= requestAnimationFrame(start);
      else if (Number.isFinite(next.inMs)) timer = setTimeout(check, next.inMs);
    };
    check();
    const unsubscribe = store.subscribe(check);
    return () => {
      unsubscribe();
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [store, started]);

  return started;
}
