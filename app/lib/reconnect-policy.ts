/**
 * How a room socket comes back after it dropped, as partysocket reads these options: a first
 * wait drawn once per page, growing by `GROW_FACTOR` on each failed attempt up to `MAX_DELAY_MS`,
 * and an attempt that has not opened within `CONNECT_TIMEOUT_MS` abandoned. `npm run
 * bench:storm` replays the same waits for thousands of clients after a server restart.
 */

/**
 * The first wait, randomised once per page, so that a server restart does not bring every
 * client back in the same instant (partysocket's default is a fixed 3 s).
 */
export const MIN_DELAY_MS = 1000;
export const MIN_DELAY_SPREAD_MS = 2000;
export const MAX_DELAY_MS = 15_000;
/** partysocket's default growth, which the app keeps. */
export const GROW_FACTOR = 1.3;
/**
 * A room opening for the first time builds its history before it answers, and a page of 50
 * rows opens 50 of them on one server: giving up after partysocket's default 4 s only adds
 * the same work again.
 */
export const CONNECT_TIMEOUT_MS = 10_000;
/** An open socket counts as having recovered (its back-off starts over) after this long. */
export const MIN_UPTIME_MS = 5000;

/** A page's first wait, from a uniform draw in [0, 1). */
export function minDelay(draw: number): number {
  return MIN_DELAY_MS + draw * MIN_DELAY_SPREAD_MS;
}

/**
 * The wait before attempt number `retry` (as partysocket counts: 0 for the very first connect,
 * which does not wait, 1 for the first attempt after a drop).
 */
export function reconnectDelay(min: number, retry: number): number {
  if (retry <= 0) return 0;
  return Math.min(min * GROW_FACTOR ** (retry - 1), MAX_DELAY_MS);
}
