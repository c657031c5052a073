/**
 * The first step of reading any server frame, in the app or in a relay room: JSON that is an
 * object, or null. The reader of each room's frames (`ticker-frames.ts`, the app's
 * `watchlist-state.ts`) then checks the fields its frame types need.
 */
import { PROTOCOL_VERSION } from "./limits.ts";

export function readFrame(text: string): Record<string, unknown> | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  return typeof data === "object" && data !== null && !Array.isArray(data)
    ? (data as Record<string, unknown>)
    : null;
}

/** A first frame (`snapshot`, `state`) of a protocol version this reader cannot read. */
export type UnknownVersion = { type: "unknown-version"; v: unknown };

/**
 * The protocol version travels in every room's first frame. Anything but the version this code
 * was built for means the server has moved on (a new deploy): the app's page must be reloaded,
 * and nothing else in that frame can be trusted to have the shape this code expects.
 */
export function unknownVersion(frame: Record<string, unknown>): UnknownVersion | null {
  // A first frame without any `v` is not from a newer server but malformed: the field checks
  // that follow drop it.
  if (frame.v === PROTOCOL_VERSION || frame.v === undefined) return null;
  return { type: "unknown-version", v: frame.v };
}
