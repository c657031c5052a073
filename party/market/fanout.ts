/**
 * How ticks are folded into frames. A frame costs the runtime about the same whatever it
 * holds (30 to 45 µs of CPU per socket send under `partykit dev`), so the room sends a tick
 * at once after a quiet spell, and folds ticks that arrive while a frame has just left into
 * the next one. How long they may wait grows with the sockets a frame goes to, so that a busy
 * room's sends per second stay bounded while a small room stays instant. Measured here, a send
 * costs a room about three times what a frame costs a plain Node `ws` server, so a busy room
 * must fold about ten ticks into each frame to spend half the CPU per tick that one does.
 */

/** Sends per second one room aims to stay under when trades arrive faster than that. */
export const SEND_BUDGET_PER_SECOND = 5_000;
/** The shortest wait: ticks this close together share a frame even in a small room. */
export const MIN_WINDOW_MS = 4;
/** The longest wait, well inside a 100 ms p99 for tick-to-client delay. */
export const MAX_WINDOW_MS = 50;

/** The window for a room whose frames go to `subscribers` sockets. */
export function frameWindow(subscribers: number): number {
  const window = (subscribers / SEND_BUDGET_PER_SECOND) * 1000;
  return Math.min(MAX_WINDOW_MS, Math.max(MIN_WINDOW_MS, window));
}

/**
 * How long ticks queued `now` wait before their frame leaves: 0 after a quiet spell (the last
 * frame left a window or more ago), otherwise until a window after the last frame.
 */
export function frameDelay(now: number, lastFrameAt: number, window: number): number {
  return Math.max(0, lastFrameAt + window - now);
}
