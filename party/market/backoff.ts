/**
 * Reconnect and retry delays: exponential, capped, and jittered, so that a restarted server or
 * upstream does not get every client back in the same instant.
 */
export type Backoff = {
  /** The first delay's ceiling. */
  baseMs: number;
  /** No delay is longer than this. */
  maxMs: number;
};

/**
 * The delay before retry number `attempt` (0 for the first): a random point in the upper half
 * of `min(maxMs, baseMs * 2^attempt)`, so it grows like the ceiling but never drops to zero.
 */
export function backoffDelay(
  attempt: number,
  { baseMs, maxMs }: Backoff,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempt, 30)));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
