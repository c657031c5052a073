/** Watchlist rooms: lists, roles, presence, and the frames both ways. */
import * as v from "valibot";
import { type ErrorMessage, type PongMessage, Ref } from "./frames.ts";
import { LIMITS, type PROTOCOL_VERSION } from "./limits.ts";
import { canonicalSymbol, clip, SYMBOL_PATTERN } from "./names.ts";

export const NAME_LIMITS = { list: 80, display: 40 } as const;

export type Role = "editor" | "viewer";
export type User = { id: string; name: string; color: string };
export type PresenceUser = User & { role: Role; focus: string | null };

export type WatchlistView = { id: string; name: string; symbols: string[]; version: number };

export type StateMessage = WatchlistView & {
  type: "state";
  v: typeof PROTOCOL_VERSION;
  role: Role;
  you: User;
};
export type PresenceMessage = { type: "presence"; users: PresenceUser[] };
export type AckMessage = { type: "ack"; ref: string; version: number };

/** Everything a watchlist room sends. */
export type WatchlistServerMessage =
  | StateMessage
  | PresenceMessage
  | AckMessage
  | ErrorMessage
  | PongMessage;

const SymbolField = /* @__PURE__ */ v.pipe(
  v.string("symbol must be a string"),
  v.check(
    (s) => SYMBOL_PATTERN.test(s),
    (issue) => {
      const canonical = canonicalSymbol(String(issue.input));
      return canonical
        ? `symbols are upper case: use ${canonical}`
        : `"${clip(String(issue.input))}" is not a symbol such as AAPL, BRK.B or BTC-USD`;
    },
  ),
);
const IndexField = /* @__PURE__ */ v.pipe(
  v.number("index must be a number"),
  v.safeInteger("index must be a whole number"),
  v.minValue(0, "index must not be negative"),
);
const ListNameField = /* @__PURE__ */ v.pipe(
  v.string("name must be a string"),
  v.trim(),
  v.minLength(1, "name must not be empty"),
  v.maxLength(NAME_LIMITS.list, `name must be at most ${NAME_LIMITS.list} characters`),
);
const OptionalRef = /* @__PURE__ */ v.optional(Ref);

/** Any frame's `ref`, read from a frame refused for other reasons so its error can echo it. */
export const RefCarrierSchema = /* @__PURE__ */ v.looseObject({ ref: OptionalRef });

export const WatchlistClientMessageSchema = /* @__PURE__ */ v.variant("type", [
  v.object({
    type: v.literal("add"),
    symbol: SymbolField,
    index: v.optional(IndexField),
    ref: OptionalRef,
  }),
  v.object({ type: v.literal("remove"), symbol: SymbolField, ref: OptionalRef }),
  v.object({ type: v.literal("move"), symbol: SymbolField, index: IndexField, ref: OptionalRef }),
  v.object({ type: v.literal("rename"), name: ListNameField, ref: OptionalRef }),
  v.object({ type: v.literal("focus"), symbol: v.nullable(SymbolField), ref: OptionalRef }),
  v.object({ type: v.literal("ping"), ref: OptionalRef }),
]);
export type WatchlistClientMessage = v.InferOutput<typeof WatchlistClientMessageSchema>;
export type WatchlistEdit = Extract<
  WatchlistClientMessage,
  { type: "add" | "remove" | "move" | "rename" }
>;

const CREATE_SHAPE = 'the body must be {"name"?: string, "symbols"?: [symbol, ...]}';

/** valibot's `object` lets arrays through, so a plain-object check comes first. */
export const CreateWatchlistSchema = /* @__PURE__ */ v.pipe(
  v.custom<Record<string, unknown>>(
    (x) => typeof x === "object" && x !== null && !Array.isArray(x),
    CREATE_SHAPE,
  ),
  v.object(
    {
      name: v.optional(ListNameField),
      symbols: v.optional(
        v.pipe(
          v.array(SymbolField, "symbols must be an array of symbols"),
          v.maxLength(
            LIMITS.watchlistSymbols,
            `a list holds at most ${LIMITS.watchlistSymbols} symbols`,
          ),
        ),
      ),
    },
    CREATE_SHAPE,
  ),
);
export type CreateWatchlist = v.InferOutput<typeof CreateWatchlistSchema>;
export type CreatedWatchlist = { id: string; editKey: string };

export const DisplayNameSchema = /* @__PURE__ */ v.pipe(
  v.string(),
  v.trim(),
  v.minLength(1, "display names must not be empty"),
  v.maxLength(NAME_LIMITS.display, `display names are at most ${NAME_LIMITS.display} characters`),
);
