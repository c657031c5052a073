/**
 * The checks a watchlist request passes before any room is touched: pure functions of the
 * request and the room id, so a bad name never creates (or wakes) a room.
 */
import * as v from "valibot";
import { decodeRoomId, httpError } from "../../http.ts";
import {
  DisplayNameSchema,
  describeIssues,
  ErrorCode,
  isGuessableWatchlistId,
  isWatchlistId,
} from "../../protocol/index.ts";

/** Refuses an upgrade with a bad list id or display name; null lets it through. */
export function gateWatchlistConnect(req: Request, roomId: string): Response | null {
  const refused = refuseListId(roomId);
  if (refused) return refused;
  const name = new URL(req.url).searchParams.get("name");
  if (name !== null) {
    const checked = v.safeParse(DisplayNameSchema, name);
    if (!checked.success)
      return httpError(400, ErrorCode.badRequest, describeIssues(checked.issues));
  }
  return null;
}

/** Refuses an HTTP request with a bad list id; null lets it through. */
export function gateWatchlistRequest(_req: Request, roomId: string): Response | null {
  return refuseListId(roomId);
}

/**
 * Only the canonical spelling of a strong id passes: a percent-encoded id would name a second
 * room, and a guessable one (`aaaaaaaaaaaaaaaa`) a list anyone could find.
 */
function refuseListId(id: string): Response | null {
  const decoded = decodeRoomId(id);
  if (decoded === null || decoded !== id || !isWatchlistId(id)) {
    return httpError(
      400,
      ErrorCode.badRequest,
      "a watchlist id is 16 to 64 letters, digits, dashes or underscores, chosen at random",
    );
  }
  if (isGuessableWatchlistId(id)) {
    return httpError(
      400,
      ErrorCode.badRequest,
      "this watchlist id is too easy to guess: choose 16 to 64 characters at random",
    );
  }
  return null;
}
