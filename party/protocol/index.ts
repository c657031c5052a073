/**
 * The Tickerroom wire protocol, version 1: the one module that the rooms and the app both
 * import. `docs/protocol.md` documents it for third-party clients; the two never disagree.
 */
export * from "./frames.ts";
export * from "./limits.ts";
export * from "./market.ts";
export * from "./names.ts";
export * from "./ranges.ts";
export * from "./read-frame.ts";
export * from "./ticker.ts";
export * from "./ticker-frames.ts";
export * from "./watchlist.ts";
export * from "./watchlist-collab.ts";
export * from "./watchlist-edits.ts";
