/**
 * Ticker room names and the HTTP snapshot: a bad name is refused with a plain HTTP 400 before
 * any socket opens, and a good one answers GET with the snapshot.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../helpers/server.ts";
import {
  expectHttpError,
  expectSnapshot,
  getSnapshot,
  request,
  type Snapshot,
} from "../helpers/ticker-wire.ts";
import { tryUpgrade } from "../helpers/ws-client.ts";

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.dispose();
});

/** Names the symbol rule refuses, as they appear in the URL path. */
const INVALID = [
  ["a dollar sign", "A$B"],
  ["16 characters", "ABCDEFGHIJKLMNOP"],
  ["a leading dash", "-AB"],
  ["a leading space", "%20AAPL"],
  ["a trailing space", "AAPL%20"],
  ["a leading dot", ".AB"],
  ["a slash inside", "A%2FB"],
  ["broken percent-encoding", "%E0%A4%A"],
] as const;

describe("ticker room names", () => {
  it("refuses a lower-case symbol over HTTP with a 400 naming the upper-case form", async () => {
    const reply = await request(`${server.url}/parties/ticker/aapl`);
    expect(reply.status).toBe(400);
    expect(reply.type).toContain("application/json");
    expect(expectHttpError(reply.body).message).toContain("AAPL");
  });

  it("refuses a lower-case symbol's WebSocket upgrade with a 400, opening no socket", async () => {
    const refusal = await tryUpgrade(server.wsUrl("/parties/ticker/aapl"));
    expect(refusal.opened).toBe(false);
    if (refusal.opened) return;
    expect(refusal.status).toBe(400);
    expect(expectHttpError(refusal.body).message).toContain("AAPL");
  });

  it("refuses a mixed-case symbol naming its canonical form", async () => {
    const reply = await request(`${server.url}/parties/ticker/Brk.b`);
    expect(reply.status).toBe(400);
    expect(expectHttpError(reply.body).message).toContain("BRK.B");
  });

  it.each(INVALID)("refuses a symbol with %s over HTTP", async (_why, name) => {
    const reply = await request(`${server.url}/parties/ticker/${name}`);
    expect(reply.status, reply.text).toBe(400);
    expectHttpError(reply.body);
  });

  it.each(INVALID)("refuses a symbol with %s as a WebSocket upgrade", async (_why, name) => {
    const refusal = await tryUpgrade(server.wsUrl(`/parties/ticker/${name}`));
    expect(refusal.opened, "a socket opened").toBe(false);
    if (refusal.opened) return;
    expect(refusal.status).toBe(400);
    expectHttpError(refusal.body);
  });

  it("refuses an unknown mode with a 400 upgrade answer", async () => {
    const refusal = await tryUpgrade(server.wsUrl("/parties/ticker/MODEX?mode=bogus"));
    expect(refusal.opened, "a socket opened").toBe(false);
    if (refusal.opened) return;
    expect(refusal.status).toBe(400);
    expectHttpError(refusal.body);
  });

  it.each(["BRK.B", "BTC-USD", "ABCDEFGHIJKLMNO", "7"])(
    "accepts the valid symbol %s",
    async (symbol) => {
      const snapshot = await getSnapshot(server.url, symbol);
      expectSnapshot(snapshot, { symbol, source: "sim" });
    },
  );
});

describe("GET /parties/ticker/:symbol", () => {
  it("answers 200 with the snapshot object as JSON", async () => {
    const reply = await request(`${server.url}/parties/ticker/HTTPSNAP`);
    expect(reply.status).toBe(200);
    expect(reply.type).toContain("application/json");
    expectSnapshot(reply.body, { symbol: "HTTPSNAP", source: "sim" });
  });

  it("keeps time moving between reads of a simulated room", async () => {
    const first = await getSnapshot(server.url, "HTTPMOVE");
    let second: Snapshot = first;
    // The simulator makes at least one tick a second; wait for one rather than sleep.
    const deadline = Date.now() + 5000;
    while (second.seq === first.seq && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      second = await getSnapshot(server.url, "HTTPMOVE");
    }
    expectSnapshot(second, { symbol: "HTTPMOVE", source: "sim" });
    expect(second.seq).toBeGreaterThan(first.seq);
    expect(second.serverTime).toBeGreaterThan(first.serverTime);
    // The newest ticks are the ones after those of the first read.
    const lastFirst = first.ticks[first.ticks.length - 1];
    const lastSecond = second.ticks[second.ticks.length - 1];
    expect(lastSecond?.[0]).toBeGreaterThan(lastFirst?.[0] ?? 0);
  });
});
