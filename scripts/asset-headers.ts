/**
 * The app's response headers (CSP and the rest) live in `app/public/_headers`, the file
 * Cloudflare's static assets read when deployed. Local runners do not read it, so
 * `scripts/serve.ts` hands Miniflare the same rules, parsed here.
 */
import { existsSync, readFileSync } from "node:fs";

export type HeaderRules = { version: 2; rules: Record<string, { set: Record<string, string> }> };

/** Parses `_headers`: a path pattern on a line of its own, then indented `Name: value` lines. */
export function parseHeadersFile(text: string): HeaderRules {
  const rules: HeaderRules["rules"] = {};
  let current: Record<string, string> | null = null;
  for (const line of text.split("\n")) {
    if (line.trim() === "" || line.trim().startsWith("#")) continue;
    if (!/^\s/.test(line)) {
      current = {};
      rules[line.trim()] = { set: current };
      continue;
    }
    const colon = line.indexOf(":");
    if (!current || colon < 0) throw new Error(`_headers: cannot read "${line.trim()}"`);
    current[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return { version: 2, rules };
}

export function readHeadersFile(path: string): HeaderRules | undefined {
  return existsSync(path) ? parseHeadersFile(readFileSync(path, "utf8")) : undefined;
}
