import { ErrorCode, LIMITS } from "./limits.ts";
import type { Role, WatchlistEdit, WatchlistView } from "./watchlist.ts";

/**
 * What a watchlist looks like after an edit: the server-authoritative reducer, which clients
 * also run to show their own edits at once. Each edit is an intent (add AAPL, move TSLA to 0)
 * that is idempotent, so one sent twice, or after someone else did the same, changes nothing
 * the second time.
 */
export type EditResult =
  | { ok: true; list: WatchlistView; changed: boolean }
  | { ok: false; code: ErrorCode; message: string };

export function applyEdit(list: WatchlistView, edit: WatchlistEdit, role: Role): EditResult {
  if (role !== "editor") {
    return {
      ok: false,
      code: ErrorCode.forbidden,
      message: "this is a view link: ask for the edit link to make changes",
    };
  }
  const { symbols } = list;
  switch (edit.type) {
    case "add": {
      // One symbol or a batch: those not there yet, each once, in the order given, as one change.
      const wanted = "symbols" in edit ? edit.symbols : [edit.symbol];
      const fresh = [...new Set(wanted)].filter((s) => !symbols.includes(s));
      if (fresh.length === 0) return unchanged(list);
      if (symbols.length + fresh.length > LIMITS.watchlistSymbols) {
        const room = LIMITS.watchlistSymbols - symbols.length;
        return {
          ok: false,
          code: ErrorCode.full,
          message:
            fresh.length === 1
              ? `a list holds at most ${LIMITS.watchlistSymbols} symbols`
              : `a list holds at most ${LIMITS.watchlistSymbols} symbols: ${fresh.length} new ones do not fit in the ${room} places left, so none were added`,
        };
      }
      const at = Math.min(edit.index ?? symbols.length, symbols.length);
      return changed(list, {
        symbols: [...symbols.slice(0, at), ...fresh, ...symbols.slice(at)],
      });
    }
    case "remove": {
      if (!symbols.includes(edit.symbol)) return unchanged(list);
      return changed(list, { symbols: symbols.filter((s) => s !== edit.symbol) });
    }
    case "move": {
      const from = symbols.indexOf(edit.symbol);
      if (from < 0) {
        return {
          ok: false,
          code: ErrorCode.notFound,
          message: `${edit.symbol} is not in this list`,
        };
      }
      const to = Math.min(edit.index, symbols.length - 1);
      if (to === from) return unchanged(list);
      const rest = symbols.filter((s) => s !== edit.symbol);
      return changed(list, { symbols: [...rest.slice(0, to), edit.symbol, ...rest.slice(to)] });
    }
    case "rename": {
      if (edit.name === list.name) return unchanged(list);
      return changed(list, { name: edit.name });
    }
  }
}

function unchanged(list: WatchlistView): EditResult {
  return { ok: true, list, changed: false };
}

function changed(list: WatchlistView, patch: Partial<WatchlistView>): EditResult {
  return { ok: true, list: { ...list, ...patch, version: list.version + 1 }, changed: true };
}
