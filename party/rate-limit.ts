/**
 * Per-connection frame budget, shared by every room: a token bucket of `frameBurst` frames
 * refilled at `framesPerSecond`, so that a client pasting a list or repeating a key gets
 * through a burst, while a steady flood is refused frame by frame. Only a connection that keeps
 * flooding (`floodRefusals` refused frames within `floodWindowMs`) is closed. The bucket lives
 * in the connection's state, so it survives hibernation.
 */
import { LIMITS } from "./protocol/index.ts";

export type FrameWindow = {
  /** Frames the connection may still send at once. */
  tokens: number;
  /** When `tokens` was last brought up to date. */
  at: number;
  /** Frames refused since `refusedSince`. */
  refused: number;
  refusedSince: number;
};
export type FrameVerdict = "ok" | "limited" | "close";

/** A new connection's budget: a full bucket. */
export const FRESH_WINDOW: FrameWindow = {
  tokens: LIMITS.frameBurst,
  at: 0,
  refused: 0,
  refusedSince: 0,
};

/** Counts one frame; says whether to handle it, refuse it, or close the connection. */
export function countFrame(
  previous: FrameWindow | null | undefined,
  now: number,
): { next: FrameWindow; verdict: FrameVerdict } {
  const last = previous ?? FRESH_WINDOW;
  const elapsed = Math.max(0, now - last.at);
  const tokens = Math.min(
    LIMITS.frameBurst,
    last.tokens + (elapsed * LIMITS.framesPerSecond) / 1000,
  );
  if (tokens >= 1) {
    return { next: { ...last, tokens: tokens - 1, at: now }, verdict: "ok" };
  }
  const fresh = now - last.refusedSince >= LIMITS.floodWindowMs;
  const refused = fresh ? 1 : last.refused + 1;
  const next = { tokens, at: now, refused, refusedSince: fresh ? now : last.refusedSince };
  return { next, verdict: refused > LIMITS.floodRefusals ? "close" : "limited" };
}

export const RATE_LIMITED_MESSAGE = `more than ${LIMITS.framesPerSecond} frames a second (bursts of ${LIMITS.frameBurst}); this frame was not handled`;
