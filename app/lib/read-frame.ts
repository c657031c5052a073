/**
 * The first step of reading any server frame: JSON that is an object, or null. Each room's
 * state module then checks the fields its frame types need.
 */
import { PROTOCOL_VERSION } from "../../party/protocol/index.ts";

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

/** A first frame (`snapshot`, `state`) of a protocol version this app cannot read. */
export type UnknownVersion = { type: "unknown-version"; v: unknown };

/**
 * The protocol version travels in every room's first frame. Anything but the version this app
 * was built for means the server has moved on (a new deploy): the page must be reloaded, and
 * nothing else in that frame can be trusted to have the shape this app expects.
 */
export function unknownVersion(frame: Record<string, unknown>): UnknownVersion | null {
  // A first frame without any `v` is not from a newer server but malformed: the field checks
  // that follow drop it.
  if (frame.v === PROTOCOL_VERSION || frame.v === undefined) return null;
  return { type: "unknown-version", v: frame.v };
}
