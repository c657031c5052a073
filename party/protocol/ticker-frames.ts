/** Reading the frames a ticker room sends: shape checks on the fields a reader relies on. */
import { PROTOCOL_VERSION } from "./limits.ts";
import type { Quote } from "./market.ts";
import { readFrame, type UnknownVersion, unknownVersion } from "./read-frame.ts";
import type { TickerServerMessage } from "./ticker.ts";

/**
 * Reads one frame a ticker room sent, for the app and for a relay room alike. The server is
 * trusted, but a frame that is not what the protocol says is dropped here rather than breaking
 * a render or a relay's copy of the room later.
 */
export function parseTickerFrame(text: string): TickerServerMessage | UnknownVersion | null {
  const frame = readFrame(text);
  if (frame === null) return null;
  switch (frame.type) {
    case "snapshot":
      // A snapshot of a version this reader does not know cannot be read field by field.
      return (
        unknownVersion(frame) ??
        (frame.v === PROTOCOL_VERSION &&
        typeof frame.seq === "number" &&
        Array.isArray(frame.candles) &&
        Array.isArray(frame.ticks) &&
        (frame.quote === null || isQuote(frame.quote))
          ? (frame as TickerServerMessage)
          : null)
      );
    case "ticks":
      return typeof frame.seq === "number" && Array.isArray(frame.ticks) && isQuote(frame.quote)
        ? (frame as TickerServerMessage)
        : null;
    case "quote":
      return typeof frame.seq === "number" && isQuote(frame.quote)
        ? (frame as TickerServerMessage)
        : null;
    case "error":
      return typeof frame.message === "string" ? (frame as TickerServerMessage) : null;
    case "pong":
      return frame as TickerServerMessage;
    case "status":
      return typeof frame.status === "string" && typeof frame.stale === "boolean"
        ? (frame as TickerServerMessage)
        : null;
    default:
      // Additive protocol changes may bring new types: ignore them.
      return null;
  }
}

function isQuote(value: unknown): value is Quote {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Quote).price === "number" &&
    typeof (value as Quote).time === "number"
  );
}
