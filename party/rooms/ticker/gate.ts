/**
 * Checks a shell runs before a ticker room is touched (partykit's static `onBeforeConnect` and
 * `onBeforeRequest`, the Worker's routing hooks): a bad name or mode is refused with a plain
 * HTTP answer, so that no room is created and no socket opened for it.
 */
import { decodeRoomId, httpError } from "../../http.ts";
import { checkSymbol, ErrorCode, type TickerMode } from "../../protocol/index.ts";
import { roomOf } from "../route.ts";

/** A WebSocket upgrade: the room id must be a canonical symbol and `mode` known. */
export function gateTickerConnect(req: Request, roomId: string): Response | null {
  const refused = refuseRoomId(req, roomId);
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
export function gateTickerRequest(req: Request, roomId: string): Response | null {
  return refuseRoomId(req, roomId);
}

/** A WebSocket upgrade, as opposed to a plain HTTP request. */
export function isUpgrade(req: Request): boolean {
  return req.headers.get("upgrade")?.toLowerCase() === "websocket";
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

/**
 * A 400 for anything but a canonical symbol, written exactly as it is: the id as the router saw
 * it and as it appears in the request's URL, so that a percent-encoded spelling (`%41APL`)
 * cannot open a second room for one symbol.
 */
function refuseRoomId(req: Request, id: string): Response | null {
  const inUrl = roomOf(new URL(req.url).pathname)?.room;
  for (const raw of inUrl === undefined || inUrl === id ? [id] : [inUrl, id]) {
    const refused = refuseSpelling(raw);
    if (refused) return refused;
  }
  return null;
}

function refuseSpelling(raw: string): Response | null {
  const decoded = decodeRoomId(raw);
  if (decoded === null) {
    return httpError(
      400,
      ErrorCode.badSymbol,
      "the symbol in the URL is not valid percent-encoding",
    );
  }
  const check = checkSymbol(decoded);
  if (!check.ok) return httpError(400, ErrorCode.badSymbol, check.message);
  if (decoded === raw) return null;
  return httpError(
    400,
    ErrorCode.badSymbol,
    `room ids are written as they are, without percent-encoding: use ${check.symbol}`,
  );
}
