/** Fields that several watchlist frames share: a symbol, and the `ref` any frame may carry. */
import * as v from "valibot";
import { Ref } from "./frames.ts";
import { canonicalSymbol, clip, SYMBOL_PATTERN } from "./names.ts";

/** A canonical symbol; a symbol in another case is refused with a message naming the right one. */
export const SymbolField = /* @__PURE__ */ v.pipe(
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

export const OptionalRef = /* @__PURE__ */ v.optional(Ref);
