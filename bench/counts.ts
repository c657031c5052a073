/**
 * The plain counters a client process reports and the fleet sums across processes. One list
 * serves both sides, so that a counter added to the clients cannot be left out of the totals.
 * (`clients.ts` starts serving when loaded, so the fleet cannot import values from it.)
 */

/** Counted for the measured window only; reset when a window is set. */
export const WINDOW_COUNTERS = ["delivered", "late", "frames", "bytes"] as const;

/** Counted on any socket at any time; reset when collected. */
export const HEALTH_COUNTERS = [
  "gaps",
  "gapTicks",
  "duplicates",
  "duplicateTicks",
  "resyncs",
  "errorFrames",
  "socketErrors",
  "unexpectedCloses",
] as const;

export function zeroed<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}
