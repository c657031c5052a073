/**
 * The `FEEDS` setting: which symbols take real prices from which exchange. A comma list of
 * `PATTERN=provider`, where PATTERN is an exact symbol (`BTC-USD`), a prefix (`ETH*`), a suffix
 * (`*-USD`) or `*` for everything, e.g. `BTC-USD=coinbase,*-USD=kraken,ETH*=binance`. An exact
 * symbol beats every pattern; among patterns the first that matches wins. Symbols no rule
 * matches stay simulated.
 */
import { canonicalSymbol } from "../protocol/index.ts";
import { EXCHANGES } from "./providers/registry.ts";

export const FEED_PROVIDERS = ["coinbase", "kraken", "binance"] as const;
export type FeedProvider = (typeof FEED_PROVIDERS)[number];

export type FeedRule = {
  /** As written, upper-cased: `*-USD`. */
  pattern: string;
  match: "exact" | "prefix" | "suffix" | "all";
  /** The pattern without its `*`. */
  stem: string;
  provider: FeedProvider;
};

export type FeedsConfig = { ok: true; rules: FeedRule[] } | { ok: false; error: string };

/** Providers that only the bridge can run, with the hint to give when `FEEDS` names one. */
const BRIDGE_ONLY = new Set(["finnhub", "alpaca"]);
const STEM = /^[A-Z0-9.-]{1,15}$/;

/** Parses `FEEDS`. Never throws: a bad entry gives an error naming it. Unset or blank: no rules. */
export function parseFeeds(setting: string | undefined): FeedsConfig {
  const rules: FeedRule[] = [];
  const exact = new Set<string>();
  const entries = (setting ?? "").split(",");
  for (let i = 0; i < entries.length; i++) {
    const entry = (entries[i] as string).trim();
    // An empty entry (a trailing comma) says nothing; skipping it is kinder than refusing.
    if (entry === "") continue;
    const rule = parseEntry(entry);
    if (typeof rule === "string") return { ok: false, error: `FEEDS entry "${entry}": ${rule}` };
    if (rule.match === "exact") {
      if (exact.has(rule.stem)) {
        return { ok: false, error: `FEEDS entry "${entry}": ${rule.stem} is already given a feed` };
      }
      exact.add(rule.stem);
    }
    rules.push(rule);
  }
  return { ok: true, rules };
}

function parseEntry(entry: string): FeedRule | string {
  const eq = entry.indexOf("=");
  if (eq < 0) return "write it as PATTERN=provider, e.g. BTC-USD=coinbase";
  const pattern = entry.slice(0, eq).trim().toUpperCase();
  const name = entry
    .slice(eq + 1)
    .trim()
    .toLowerCase();
  if (!isProvider(name)) {
    if (BRIDGE_ONLY.has(name)) {
      return `${name} allows one connection per key, so it runs in the feed bridge (npm run feed), not in rooms`;
    }
    return `unknown provider "${name}"; use ${FEED_PROVIDERS.join(", ")}`;
  }
  if (pattern === "*") return { pattern, match: "all", stem: "", provider: name };
  const stars = pattern.split("*").length - 1;
  if (stars === 0) {
    if (canonicalSymbol(pattern) !== pattern) {
      return `"${pattern}" is not a symbol: use letters, digits, dots or dashes, e.g. BTC-USD`;
    }
    // A pattern may match symbols a provider cannot name; an exact symbol it cannot name is a slip.
    if (EXCHANGES[name].product(pattern) === null) {
      return `${name} has no product for ${pattern}: it lists currency pairs such as BTC-USD`;
    }
    return { pattern, match: "exact", stem: pattern, provider: name };
  }
  const prefix = stars === 1 && pattern.endsWith("*");
  const suffix = stars === 1 && pattern.startsWith("*");
  if (!prefix && !suffix) {
    return `"${pattern}" may hold one * only, at its start (*-USD) or its end (ETH*)`;
  }
  const stem = prefix ? pattern.slice(0, -1) : pattern.slice(1);
  if (!STEM.test(stem)) {
    return `"${pattern}": around the * use letters, digits, dots or dashes only`;
  }
  return { pattern, match: prefix ? "prefix" : "suffix", stem, provider: name };
}

function isProvider(name: string): name is FeedProvider {
  return (FEED_PROVIDERS as readonly string[]).includes(name);
}

/** The provider for a symbol, or null when it stays simulated. */
export function providerFor(symbol: string, rules: readonly FeedRule[]): FeedProvider | null {
  for (const rule of rules) {
    if (rule.match === "exact" && rule.stem === symbol) return rule.provider;
  }
  for (const rule of rules) {
    if (matches(rule, symbol)) return rule.provider;
  }
  return null;
}

function matches(rule: FeedRule, symbol: string): boolean {
  switch (rule.match) {
    case "all":
      return true;
    case "prefix":
      return symbol.startsWith(rule.stem);
    case "suffix":
      return symbol.endsWith(rule.stem);
    default:
      return false;
  }
}
