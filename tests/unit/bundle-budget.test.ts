/**
 * The chart page's JavaScript budget, checked on the built app (`npm test` builds before it
 * tests): React, the chart library and valibot alone are about 120 KB gzipped, so every other
 * kilobyte counts against the first live price.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/settings.ts";

const DIST = join(ROOT, "dist");
/** In kB of 1000 bytes, as the benchmark counts them (the stricter reading of "KB"). */
const BUDGET_KB = 150;
/**
 * Chunks the chart page loads besides the entry: the app, which the small entry asks for
 * (`main.tsx`), and the chart, once the price is live, each with the chunks it imports. The
 * names of symbols (`symbols-`) wait for that price too (`price-first.ts`), as do indicators
 * and ranges; they are not counted.
 */
const CHART_PAGE_CHUNKS = ["app-root-", "price-chart-"];

function builtApp(): { html: string; assets: string[] } {
  if (!existsSync(join(DIST, "index.html"))) {
    throw new Error("the app is not built: run `npm run build` first (npm test does)");
  }
  return {
    html: readFileSync(join(DIST, "index.html"), "utf8"),
    assets: readdirSync(join(DIST, "assets")).filter((f) => f.endsWith(".js")),
  };
}

/** `file` and every chunk it imports statically, directly or not. */
function withImports(file: string, into: Set<string>): Set<string> {
  if (into.has(file)) return into;
  into.add(file);
  const code = readFileSync(join(DIST, "assets", file), "utf8");
  for (const m of code.matchAll(/(?:from|import)\s*["'`]\.\/([^"'`]+\.js)["'`]/g)) {
    withImports(m[1] as string, into);
  }
  return into;
}

const gzipKb = (file: string) =>
  gzipSync(readFileSync(join(DIST, "assets", file)), { level: 9 }).byteLength / 1000;

describe("the built app", () => {
  it(`loads at most ${BUDGET_KB} kB of gzipped JavaScript for the chart page`, () => {
    const { html, assets } = builtApp();
    const entry = [...html.matchAll(/(?:src|href)="\/assets\/([^"]+\.js)"/g)].map(
      (m) => m[1] as string,
    );
    const chart = assets.filter((f) => CHART_PAGE_CHUNKS.some((prefix) => f.startsWith(prefix)));
    expect(entry.length).toBeGreaterThan(0);
    expect(chart).toHaveLength(CHART_PAGE_CHUNKS.length);
    const files = [
      ...[...entry, ...chart].reduce((all, f) => withImports(f, all), new Set<string>()),
    ];
    const total = files.reduce((sum, f) => sum + gzipKb(f), 0);
    console.log(`chart page JS: ${total.toFixed(1)} kB gzipped in ${files.length} files`);
    expect(total).toBeLessThanOrEqual(BUDGET_KB);
  });

  it("keeps the watchlist page out of the chart page's first load", () => {
    const { html, assets } = builtApp();
    expect(assets.some((f) => f.startsWith("watchlist-page-"))).toBe(true);
    expect(html).not.toContain("watchlist-page-");
  });
});
