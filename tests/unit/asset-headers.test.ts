import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseHeadersFile } from "../../scripts/asset-headers.ts";

describe("parseHeadersFile", () => {
  it("reads path patterns and their headers", () => {
    const rules = parseHeadersFile(
      "# app\n/*\n  X-A: 1\n  X-B: a: b\n\n/assets/*\n  Cache-Control: max-age=60\n",
    );
    expect(rules).toEqual({
      version: 2,
      rules: {
        "/*": { set: { "X-A": "1", "X-B": "a: b" } },
        "/assets/*": { set: { "Cache-Control": "max-age=60" } },
      },
    });
  });

  it("refuses a header line outside any path", () => {
    expect(() => parseHeadersFile("  X-A: 1\n")).toThrow(/cannot read/);
  });

  it("gives the app a strict policy: its own origin only, never framed", () => {
    const { rules } = parseHeadersFile(readFileSync("app/public/_headers", "utf8"));
    const all = rules["/*"]?.set ?? {};
    const csp = all["Content-Security-Policy"] ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    expect(all["X-Content-Type-Options"]).toBe("nosniff");
    expect(all["Referrer-Policy"]).toBe("no-referrer");
    expect(all["Permissions-Policy"]).toContain("camera=()");
  });
});
