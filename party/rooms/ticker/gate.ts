/**
 * Checks a shell runs before a ticker room is touched (partykit's static `onBeforeConnect` and
 * `onBeforeRequest`, the Worker's routing hooks): a bad name or mode is refused with a plain
 * HTTP answer, so that no room is created and no socket opened for it.
 */
import { decodeRoomId, httpError } from "../../http.ts";
import { checkSymbol, ErrorCode, type TickerMode } from "../../protocol/index.ts";

/** A WebSocket upgrade: the room id must be a canonical symbol and `mode` known. */
export function gateTickerConnect(req: Request, roomId: string): Response | null {
  const refused = refuseRoomId(roomId);
  if (refused) return refused;
  const mode = new URL(req.url).searchParams.get("mode");
  if (mode !== null && mode !== "quote" && mode !== "full") {
    return httpError(
      400,
      ErrorCode.badRequest,
      `mode must be "quote" or left out, not "${mode.slice(0, 16)}"`,
    );
  }
  return null;
}

/** An HTTP request: the room id must be a canonical symbol. */
export function gateTickerRequest(_req: Request, roomId: string): Response | null {
  return refuseRoomId(roomId);
}

/** The mode a socket subscribed with (its upgrade URL); `full` unless it asked for quotes. */
export function tickerMode(url: string | null): TickerMode {
  if (url === null) return "full";
  try {
    return new URL(url).searchParams.get("mode") === "quote" ? "quote" : "full";
  } catch {
    return "full";
  }
}

/** A 400 for anything but a canonical symbol, as the router saw it (percent-encoding and all). */
function refuseRoomId(id: string): Response | null {
  const decoded = decodeRoomId(id);
  const check = decoded === null ? null : checkSymbol(decoded);
  if (check?.ok) return null;
  return httpError(
    400,
    ErrorCode.badSymbol,
    check ? check.message : "the symbol in the URL is not valid percent-encoding",
  );
}
