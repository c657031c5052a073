import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  BUDGETS,
  edgeSettings,
  LocalBudget,
  overBudget,
  refuseOrigin,
  withoutWriteCors,
} from "./edge.ts";
import { json } from "./http.ts";

const URL_ = "https://markets.example.com/parties/watchlist/Zx9fK2mQ7pL4vB8nR3tY";
const settings = edgeSettings({
  ALLOWED_ORIGINS: "https://partner.example.org/, https://b.example",
});

function request(method: string, origin?: string, upgrade = false): Request {
  const headers = new Headers();
  if (origin) headers.set("origin", origin);
  if (upgrade) headers.set("upgrade", "websocket");
  return new Request(URL_, { method, headers });
}

describe("refuseOrigin", () => {
  it("lets programs (no Origin) and the server's own pages write", () => {
    expect(refuseOrigin(request("POST"), settings)).toBeNull();
    expect(refuseOrigin(request("POST", "https://markets.example.com"), settings)).toBeNull();
    expect(refuseOrigin(request("GET", "https://markets.example.com", true), settings)).toBeNull();
  });

  it("lets the allowed origins write, trailing slash or not", () => {
    expect(refuseOrigin(request("DELETE", "https://partner.example.org"), settings)).toBeNull();
    expect(refuseOrigin(request("GET", "https://b.example", true), settings)).toBeNull();
  });

  it("refuses writes and upgrades from any other site with 403", async () => {
    for (const req of [
      request("POST", "https://evil.example"),
      request("DELETE", "https://evil.example"),
      request("GET", "https://evil.example", true),
      request("POST", "null"),
      request("POST", "http://markets.example.com"),
    ]) {
      const res = refuseOrigin(req, settings);
      expect(res?.status).toBe(403);
      expect(await res?.json()).toMatchObject({ error: { code: "forbidden" } });
    }
  });

  it("keeps reads open to every site", () => {
    expect(refuseOrigin(request("GET", "https://evil.example"), settings)).toBeNull();
    expect(refuseOrigin(request("OPTIONS", "https://evil.example"), settings)).toBeNull();
  });
});

describe("withoutWriteCors", () => {
  it("drops the CORS grant from answers to writes, keeps it on reads", () => {
    expect(json({}).headers.get("access-control-allow-origin")).toBe("*");
    const write = withoutWriteCors(request("POST"), json({}, 201));
    expect(write.status).toBe(201);
    expect([...write.headers.keys()].some((k) => k.startsWith("access-control-"))).toBe(false);
    const read = withoutWriteCors(request("GET"), json({}));
    expect(read.headers.get("access-control-allow-origin")).toBe("*");
  });
});

describe("edgeSettings", () => {
  it("has budgets on unless BUDGETS is off", () => {
    expect(edgeSettings({}).budgets).toBe(true);
    expect(edgeSettings({ BUDGETS: "on" }).budgets).toBe(true);
    expect(edgeSettings({ BUDGETS: "off" }).budgets).toBe(false);
  });
});

describe("LocalBudget", () => {
  it("allows `limit` spends per client per period, and each client its own", async () => {
    let now = 0;
    const budget = new LocalBudget(3, 60_000, () => now);
    const spends = [];
    for (let i = 0; i < 4; i++) spends.push(await budget.allow("a"));
    expect(spends).toEqual([true, true, true, false]);
    expect(await budget.allow("b")).toBe(true);
    now = 59_999;
    expect(await budget.allow("a")).toBe(false);
    now = 60_001;
    expect(await budget.allow("a")).toBe(true);
  });

  it("answers a spent budget with 429 and Retry-After", async () => {
    const res = overBudget("lists");
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("60");
    expect(await res.json()).toMatchObject({ error: { code: "rate_limited" } });
  });
});

describe("wrangler.jsonc", () => {
  it("declares the budgets with the numbers the edge and the docs use", () => {
    const text = readFileSync(new URL("../wrangler.jsonc", import.meta.url), "utf8");
    const config = JSON.parse(text.replace(/^\s*\/\/.*$/gm, "")) as {
      ratelimits: { name: string; simple: { limit: number; period: number } }[];
    };
    const byName = Object.fromEntries(config.ratelimits.map((r) => [r.name, r.simple]));
    expect(byName.LIST_BUDGET).toEqual({ limit: BUDGETS.lists.limit, period: 60 });
    expect(byName.ROOM_BUDGET).toEqual({ limit: BUDGETS.rooms.limit, period: 60 });
  });
});
