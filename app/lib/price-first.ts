/**
 * The price first. A person opens a symbol's page for its price, so what else the page draws
 * waits until the price is live (it has moved on screen since the snapshot): the chart,
 * whose first draw takes several frames' worth of work on a machine without a GPU, and the
 * company name, a chunk of its own. Neither then stands between the snapshot and that trade.
 */
import type { TickerState } from "./ticker-state.ts";

/** A quiet market (the price has not moved since the snapshot) keeps the rest waiting no longer. */
export const QUIET_WAIT_MS = 500;

export type PriceFirstInput = {
  /** The room's state held when the page opened (a symbol seen before) was already shown. */
  heldAtOpen: boolean;
  phase: TickerState["phase"];
  /** The price on screen differs from the first one shown. */
  moved: boolean;
  /** How long the first price has been on screen, ms; null before it is. */
  shownForMs: number | null;
};

/**
 * When what waits for the price may start: `now`, `after-paint` (the frame that shows the live
 * price is painted first), or `later`, in `inMs` (Infinity: when the room next sends something).
 */
export type SecondaryStart =
  | { start: "now" }
  | { start: "after-paint" }
  | { start: "later"; inMs: number };

export function secondaryStart(input: PriceFirstInput): SecondaryStart {
  // A refused room shows its reason instead: nothing is left to wait for.
  if (input.heldAtOpen || input.phase === "error") return { start: "now" };
  if (input.phase === "loading" || input.shownForMs === null) {
    return { start: "later", inMs: Number.POSITIVE_INFINITY };
  }
  if (input.moved) return { start: "after-paint" };
  const left = QUIET_WAIT_MS - input.shownForMs;
  return left <= 0 ? { start: "now" } : { start: "later", inMs: left };
}
