/**
 * The project's main party. Every room lives in a named party (`/parties/ticker/:symbol`,
 * `/parties/watchlist/:id`); this one only answers that it has no rooms.
 */
import type * as Party from "partykit/server";
import { httpError } from "./http.ts";
import { ErrorCode } from "./protocol/index.ts";

const NO_ROOMS = "no such party: use /parties/ticker/:symbol or /parties/watchlist/:id";

export default class Main implements Party.Server {
  readonly options = { hibernate: true };

  static onBeforeConnect(): Response {
    return httpError(404, ErrorCode.notFound, NO_ROOMS);
  }

  static onBeforeRequest(): Response {
    return httpError(404, ErrorCode.notFound, NO_ROOMS);
  }

  onRequest(): Response {
    return httpError(404, ErrorCode.notFound, NO_ROOMS);
  }
}
