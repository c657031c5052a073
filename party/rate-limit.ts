/**
 * Per-connection frame limits, shared by every room. The window lives in the connection's
 * state, so it survives hibernation.
 */
import { LIMITS } from "./protocol/index.ts";

export type FrameWindow = { window: number; frames: number };
export type FrameVerdict = "ok" | "limited" | "close";

/** Counts one frame; says whether to handle it, refuse it, or close the connection. */
export function countFrame(
  previous: FrameWindow | null | undefined,
  now: number,
): { next: FrameWindow; verdict: FrameVerdict } {
  const fresh = !previous || now - previous.window >= 1000;
  const next = fresh
    ? { window: now, frames: 1 }
    : { window: previous.window, frames: previous.frames + 1 };
  const verdict: FrameVerdict =
    next.frames > LIMITS.floodClose
      ? "close"
      : next.frames > LIMITS.framesPerSecond
        ? "limited"
        : "ok";
  return { next, verdict };
}

export const RATE_LIMITED_MESSAGE = `more than ${LIMITS.framesPerSecond} frames a second; slow down or be disconnected`;
