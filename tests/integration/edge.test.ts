/**
 * What the edge does before any room sees a request, tried as an attacker would against the
 * Worker as `npm start` serves it, with its default settings (budgets on): the app's security
 * headers, no public source maps, writes only from allowed origins, and per-client budgets.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/settings.ts";
import { startServer, type TestServer } from "../helpers/server.ts";
import { tryUpgrade, WsClient } from "../helpers/ws-client.ts";

const PARTNER = "https://partner.example.org";
const EVIL = "https://evil.example";

let server: TestServer;

beforeAll(async () => {
  server = await startServer({ env: { BUDGETS: "on", ALLOWED_ORIGINS: PARTNER } });
});

afterAll(async () => {
  await server?.dispose();
});

let listCount = 0;
/** A fresh list id, random enough to pass the id rules. */
function listId(): string {
  listCount++;
  return `Ed9${Math.random().toString(36).slice(2, 12)}Q${listCount}xZ7`.padEnd(20, "k");
}

function createList(id: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}/parties/watchlist/${id}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ name: "Edge", symbols: ["AAPL"] }),
  });
}

describe("the app's pages", () => {
  it.each(["/", "/s/AAPL", "/w/Zx9fK2mQ7pL4vB8nR3tY"])(
    "%s carries a strict policy",
    async (path) => {
      const res = await fetch(`${server.url}${path}`);
      await res.arrayBuffer();
      expect(res.status).toBe(200);
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("permissions-policy")).toContain("geolocation=()");
    },
  );

  it("publishes no source maps", async () => {
    const assets = readdirSync(join(ROOT, "dist/assets"));
    expect(assets.filter((f) => f.endsWith(".map"))).toEqual([]);
    const scripts = assets.filter((f) => f.endsWith(".js"));
    expect(scripts.length).toBeGreaterThan(0);
    for (const file of scripts) {
      expect(readFileSync(join(ROOT, "dist/assets", file), "utf8")).not.toContain(
        "sourceMappingURL",
      );
      const res = await fetch(`${server.url}/assets/${file}.map`);
      const body = await res.text();
      expect(body).not.toContain('"mappings"');
    }
  });

  it("answers room requests with nosniff JSON", async () => {
    const res = await fetch(`${server.url}/parties/ticker/AAPL`);
    await res.json();
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

describe("origins", () => {
  it("refuses an upgrade from another site with 403, before any socket opens", async () => {
    const refusal = await tryUpgrade(server.wsUrl("/parties/ticker/AAPL"), 5000, { Origin: EVIL });
    expect(refusal).toMatchObject({
      opened: false,
      status: 403,
      body: { error: { code: "forbidden" } },
    });
  });

  it("takes upgrades from the server's own pages, from allowed origins and from programs", async () => {
    const client = await WsClient.connect(server.wsUrl("/parties/ticker/AAPL"));
    try {
      await client.nextOf("snapshot", 10_000);
      const variants: Record<string, string>[] = [{ Origin: server.url }, { Origin: PARTNER }, {}];
      for (const headers of variants) {
        const upgrade = await tryUpgrade(server.wsUrl("/parties/ticker/AAPL"), 10_000, headers);
        expect(upgrade).toEqual({ opened: true });
      }
    } finally {
      await client.close();
    }
  });

  it("refuses a list created from another site, and creates nothing", async () => {
    const id = listId();
    const res = await createList(id, { Origin: EVIL });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "forbidden" } });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    const after = await fetch(`${server.url}/parties/watchlist/${id}`);
    await after.arrayBuffer();
    expect(after.status).toBe(404);
  });

  it("refuses a DELETE from another site", async () => {
    const res = await fetch(`${server.url}/parties/ticker/AAPL`, {
      method: "DELETE",
      headers: { Origin: EVIL, Authorization: "Bearer whatever" },
    });
    await res.arrayBuffer();
    expect(res.status).toBe(403);
  });

  it("lets any site read a snapshot, and grants no site a write", async () => {
    const read = await fetch(`${server.url}/parties/ticker/MSFT`, { headers: { Origin: EVIL } });
    await read.json();
    expect(read.status).toBe(200);
    expect(read.headers.get("access-control-allow-origin")).toBe("*");

    const created = await createList(listId(), { Origin: PARTNER });
    expect(created.status).toBe(201);
    await created.json();
    expect(created.headers.get("access-control-allow-origin")).toBeNull();

    const preflight = await fetch(`${server.url}/parties/watchlist/${listId()}`, {
      method: "OPTIONS",
      headers: { Origin: EVIL, "Access-Control-Request-Method": "POST" },
    });
    await preflight.arrayBuffer();
    expect(preflight.headers.get("access-control-allow-methods") ?? "").not.toContain("POST");
  });
});

describe("budgets", () => {
  it("lets one client create 10 lists a minute, then answers 429 with Retry-After", async () => {
    const client = { "CF-Connecting-IP": "203.0.113.7" };
    const statuses: number[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const id = listId();
      ids.push(id);
      const res = await createList(id, client);
      await res.arrayBuffer();
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.slice(10)).toEqual([429, 429]);
    // The refused ones were not created; another client still can.
    const refused = await fetch(`${server.url}/parties/watchlist/${ids[11]}`);
    await refused.arrayBuffer();
    expect(refused.status).toBe(404);
    const other = await createList(listId(), { "CF-Connecting-IP": "203.0.113.8" });
    await other.arrayBuffer();
    expect(other.status).toBe(201);
  });
});
