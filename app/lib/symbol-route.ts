/**
 * The symbol a path names, as the app's router reads `/s/:symbol`: the page and the entry (which
 * opens the room's socket before React renders) agree on it.
 */
import { canonicalSymbol } from "../../party/protocol/names.ts";

/** `/s/:symbol`, with or without a trailing slash, as wouter matches it. */
const SYMBOL_PATH = /^\/s\/([^/]+?)\/?$/i;

/** A path segment decoded; as it is when it is not valid percent-encoding. */
export function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** The canonical symbol of the symbol page at `pathname`; null for any other page. */
export function symbolOfPath(pathname: string): string | null {
  const raw = SYMBOL_PATH.exec(pathname)?.[1];
  return raw === undefined ? null : canonicalSymbol(decodeSegment(raw));
}
