/** Watchlist rooms: lists, roles, presence, and the frames both ways. */
import * as v from "valibot";
import type { ErrorMessage, PongMessage } from "./frames.ts";
import { LIMITS, type PROTOCOL_VERSION } from "./limits.ts";
import {
  AlertFrame,
  type AlertView,
  type CollabServerMessage,
  CrosshairFrame,
  DrawFrame,
  type Drawing,
  RedrawFrame,
  UnalertFrame,
  UndrawFrame,
} from "./watchlist-collab.ts";
import { OptionalRef, SymbolField } from "./watchlist-fields.ts";

export const NAME_LIMITS = { list: 80, display: 40 } as const;

/**
 * Characters a name may not hold: controls, lone surrogates, and the invisible ones that make a
 * name read as something else (bidirectional overrides, isolates and marks; zero-width spaces
 * and joiners; the byte-order mark). `\u202Eecila\u200B` shows as "alice".
 */
const UNSAFE_NAME_CHARS =
  /[\p{Cc}\p{Cs}\u061C\u200B-\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/u;

/** Whether a name (after trimming and NFC) holds only characters that show as themselves. */
export function isPlainName(name: string): boolean {
  return !UNSAFE_NAME_CHARS.test(name);
}

const NAME_CHARS_MESSAGE =
  "names may not hold control, bidirectional-override or zero-width characters";

/** Distinct characters a watchlist id needs, on top of its pattern. */
export const WATCHLIST_ID_MIN_DISTINCT = 6;
/** The id alphabet in ASCII order, for spotting straight runs (`abcdefgh…`, `0123…ABC`). */
const ID_ALPHABET = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";

/**
 * Whether an id of the right shape is one a person would guess before a random one: fewer than
 * six distinct characters (`aaaa…`, `abab…`, `0000…0001`), a repetition of a shorter block
 * (`abcdefabcdef…`), or a straight run of the alphabet in ASCII order, up or down
 * (`abcdefghijklmnop`, `0123456789ABCDEF`, `zyxw…`). A random id of 16 or more characters is
 * none of these except with negligible chance.
 */
export function isGuessableWatchlistId(id: string): boolean {
  if (new Set(id).size < WATCHLIST_ID_MIN_DISTINCT) return true;
  for (let period = 1; period <= id.length / 2; period++) {
    let repeats = true;
    for (let i = period; i < id.length && repeats; i++) repeats = id[i] === id[i - period];
    if (repeats) return true;
  }
  const step = ID_ALPHABET.indexOf(id[1] ?? "") - ID_ALPHABET.indexOf(id[0] ?? "");
  if (step !== 1 && step !== -1) return false;
  for (let i = 2; i < id.length; i++) {
    if (ID_ALPHABET.indexOf(id[i] ?? "") - ID_ALPHABET.indexOf(id[i - 1] ?? "") !== step) {
      return false;
    }
  }
  return true;
}

export type Role = "editor" | "viewer";
export type User = { id: string; name: string; color: string };
export type PresenceUser = User & { role: Role; focus: string | null };

export type WatchlistView = { id: string; name: string; symbols: string[]; version: number };

export type StateMessage = WatchlistView & {
  type: "state";
  v: typeof PROTOCOL_VERSION;
  role: Role;
  you: User;
  /**
   * The list's alerts, in the order they were set; fired ones stay until removed. Optional for
   * readers of servers before alerts; this server always sends it.
   */
  alerts?: AlertView[];
  /** The drawings on the list's charts, in the order they were drawn (always sent, as above). */
  drawings?: Drawing[];
};
/** Who is here: at most `PRESENCE_LIMITS.users` of them listed, `count` people in all. */
export type PresenceMessage = { type: "presence"; users: PresenceUser[]; count: number };
export type AckMessage = { type: "ack"; ref: string; version: number };
/**
 * The answer to `rotate`, sent whether or not it carried a `ref`: the only place the new edit
 * key ever travels.
 */
export type RotatedAckMessage = { type: "ack"; ref?: string; version: number; editKey: string };
/** The list was deleted; the room closes every socket with `CLOSE_DELETED` next. */
export type DeletedMessage = { type: "deleted" };

/** Presence bounds: who is listed, and how often the frame may leave. */
export const PRESENCE_LIMITS = {
  /** Users listed in one `presence` frame; `count` says how many are here. */
  users: 50,
  /** Least time between two `presence` frames of one list: at most five a second. */
  intervalMs: 200,
} as const;

/** The close code of every socket of a deleted list (and of one opened to a missing list). */
export const CLOSE_DELETED = 4404;

/** Everything a watchlist room sends. */
export type WatchlistServerMessage =
  | StateMessage
  | PresenceMessage
  | AckMessage
  | RotatedAckMessage
  | DeletedMessage
  | ErrorMessage
  | PongMessage
  | CollabServerMessage;

const IndexField = /* @__PURE__ */ v.pipe(
  v.number("index must be a number"),
  v.safeInteger("index must be a whole number"),
  v.minValue(0, "index must not be negative"),
);
const ListNameField = /* @__PURE__ */ v.pipe(
  v.string("name must be a string"),
  v.trim(),
  v.normalize("NFC"),
  v.check(isPlainName, NAME_CHARS_MESSAGE),
  v.minLength(1, "name must not be empty"),
  v.maxLength(NAME_LIMITS.list, `name must be at most ${NAME_LIMITS.list} characters`),
);
const SymbolsField = /* @__PURE__ */ v.pipe(
  v.array(SymbolField, "symbols must be an array of symbols"),
  v.minLength(1, "symbols must not be empty"),
  v.maxLength(LIMITS.watchlistSymbols, `a list holds at most ${LIMITS.watchlistSymbols} symbols`),
);
/** An edit key as a client presents it: long enough for any key the room made, no longer. */
const KeyField = /* @__PURE__ */ v.pipe(
  v.string("key must be a string"),
  v.minLength(1, "key must not be empty"),
  v.maxLength(128, "key is too long"),
);

/** Any frame's `ref`, read from a frame refused for other reasons so its error can echo it. */
export const RefCarrierSchema = /* @__PURE__ */ v.looseObject({ ref: OptionalRef });

/** `add` in its two forms: one symbol (the first edition's) or a batch, applied as one change. */
export type AddOne = { type: "add"; symbol: string; index?: number; ref?: string };
export type AddBatch = { type: "add"; symbols: string[]; index?: number; ref?: string };

const AddFrame = /* @__PURE__ */ v.pipe(
  v.object({
    type: v.literal("add"),
    symbol: v.optional(SymbolField),
    symbols: v.optional(SymbolsField),
    index: v.optional(IndexField),
    ref: OptionalRef,
  }),
  v.check(
    (f) => (f.symbol === undefined) !== (f.symbols === undefined),
    'add takes a "symbol", or "symbols" for several at once (not both)',
  ),
  v.transform(({ symbol, symbols, ...rest }): AddOne | AddBatch =>
    symbols === undefined ? { ...rest, symbol: symbol as string } : { ...rest, symbols },
  ),
);

/** Every frame a client may send. */
export const WatchlistClientMessageSchema = /* @__PURE__ */ v.variant("type", [
  AddFrame,
  v.object({ type: v.literal("remove"), symbol: SymbolField, ref: OptionalRef }),
  v.object({ type: v.literal("move"), symbol: SymbolField, index: IndexField, ref: OptionalRef }),
  v.object({ type: v.literal("rename"), name: ListNameField, ref: OptionalRef }),
  v.object({ type: v.literal("focus"), symbol: v.nullable(SymbolField), ref: OptionalRef }),
  v.object({ type: v.literal("ping"), ref: OptionalRef }),
  v.object({ type: v.literal("auth"), key: KeyField, ref: OptionalRef }),
  v.object({ type: v.literal("rotate"), ref: OptionalRef }),
  // Listed one by one: a spread would keep every schema in bundles that use none of them.
  AlertFrame,
  UnalertFrame,
  DrawFrame,
  RedrawFrame,
  UndrawFrame,
  CrosshairFrame,
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

/** A display name: trimmed, NFC, plain characters only, 1 to 40 of them. */
export const DisplayNameSchema = /* @__PURE__ */ v.pipe(
  v.string(),
  v.trim(),
  v.normalize("NFC"),
  v.check(isPlainName, NAME_CHARS_MESSAGE),
  v.minLength(1, "display names must not be empty"),
  v.maxLength(NAME_LIMITS.display, `display names are at most ${NAME_LIMITS.display} characters`),
);
