/**
 * A shared alert over real sockets, end to end: a list arms it, the ticker room of its symbol
 * evaluates the ticks pushed to it, and everyone on the list hears the firing once, also after a
 * kill -9 of the server. A push room, so that the crossing tick is the test's.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../helpers/server.ts";
import { type Typed, WsClient } from "../helpers/ws-client.ts";

type Alert = {
  id: string;
  symbol: string;
  armed: boolean;
  firedAt?: number;
  firedPrice?: number;
};
type State = Typed<"state"> & { role: "editor" | "viewer"; alerts: Alert[] };
type Reply = { type: "ack" | "error"; ref?: string; alertId?: string; code?: string };

const WAIT = 8000;
const TOKEN = "alerts-test-token";
const SYMBOL = "ALRT";
let server: TestServer;
const clients: WsClient[] = [];

beforeAll(async () => {
  server = await startServer({ env: { INGEST_TOKEN: TOKEN } });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await server?.dispose();
});

const tickerUrl = (query = "") => `${server.url}/parties/ticker/${SYMBOL}${query}`;
let lastTime = 0;

/** Pushes one tick at `price`; resolves when the push is acknowledged, with when it was. */
async function push(price: number): Promise<number> {
  lastTime = Math.max(lastTime + 1, Date.now());
  const res = await fetch(tickerUrl(), {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ ticks: [[lastTime, price, 1]] }),
  });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
  return performance.now();
}

async function stats(): Promise<{ alertsArmed: number; alertsPending: number }> {
  const res = await fetch(tickerUrl("?stats"), { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as { alertsArmed: number; alertsPending: number };
}

const began = performance.now();
function step(what: string): void {
  console.log(`${(performance.now() - began).toFixed(0).padStart(6)} ms  ${what}`);
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + WAIT;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function create(symbols: string[]) {
  const id = randomBytes(12).toString("base64url");
  const res = await fetch(`${server.url}/parties/watchlist/${id}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "Alerts", symbols }),
  });
  expect(res.status).toBe(201);
  return { id, editKey: ((await res.json()) as { editKey: string }).editKey };
}

async function stateWhere(client: WsClient, what: string, check: (s: State) => boolean) {
  const seen = (client.all("state") as unknown as State[]).find(check);
  if (seen) return seen;
  const frame = await client.next(
    (d) => (d as { type?: string })?.type === "state" && check(d as State),
    WAIT,
    what,
  );
  return frame.data as State;
}

async function join(id: string, name: string, key?: string): Promise<WsClient> {
  const client = await WsClient.connect(
    server.wsUrl(`/parties/watchlist/${id}?name=${encodeURIComponent(name)}`),
  );
  clients.push(client);
  await client.nextOf("state", WAIT);
  if (key) {
    client.send(JSON.stringify({ type: "auth", key }));
    await stateWhere(client, "editor state", (s) => s.role === "editor");
  }
  return client;
}

async function ask(client: WsClient, frame: Record<string, unknown>): Promise<Reply> {
  const ref = `r-${randomBytes(4).toString("hex")}`;
  client.send(JSON.stringify({ ...frame, ref }));
  const answer = await client.next(
    (d) => {
      const m = d as Reply | undefined;
      return (m?.type === "ack" || m?.type === "error") && m.ref === ref;
    },
    WAIT,
    `reply to ${frame.type}`,
  );
  return answer.data as Reply;
}

/** A round trip on the socket: every frame the room sent before it has arrived. */
async function roundTrip(client: WsClient): Promise<void> {
  const ref = `p-${randomBytes(4).toString("hex")}`;
  client.send(JSON.stringify({ type: "ping", ref }));
  await client.next((d) => (d as { ref?: string })?.ref === ref, WAIT, "pong");
}

describe("a shared alert", () => {
  it("fires once for everyone on the list, is stored fired, and never fires again after kill -9", async () => {
    await push(100);
    const { id, editKey } = await create([SYMBOL]);
    const ann = await join(id, "Ann", editKey);
    const ben = await join(id, "Ben");
    const cat = await join(id, "Cat", editKey);
    const everyone = [ann, ben, cat];

    const reply = await ask(ann, { type: "alert", symbol: SYMBOL, when: "above", value: 110 });
    expect(reply).toMatchObject({ type: "ack" });
    const alertId = reply.alertId as string;
    step("alert set");
    await until("the ticker room to hold the armed alert", async () => {
      return (await stats()).alertsArmed === 1;
    });
    step("alert armed in the ticker room");

    await push(105);
    await push(109.5);
    const sentAt = performance.now();
    const ackedAt = await push(111);
    const fired = await ben.nextOf("fired", WAIT);
    const firedAt = performance.now();
    expect(fired).toMatchObject({ alertId, symbol: SYMBOL, price: 111, time: lastTime });
    console.log(
      `crossing push acknowledged -> fired on another client: ${(firedAt - ackedAt).toFixed(1)} ms` +
        ` (from the push being sent: ${(firedAt - sentAt).toFixed(1)} ms)`,
    );

    // More crossings change nothing: the alert was disarmed when it fired.
    await push(100);
    await push(120);
    for (const client of everyone) await roundTrip(client);
    await until("the firing to be delivered", async () => (await stats()).alertsPending === 0);
    for (const client of everyone) {
      expect(client.all("fired").map((f) => f.alertId)).toEqual([alertId]);
      const state = await stateWhere(client, "fired state", (s) =>
        s.alerts.some((a) => a.id === alertId && !a.armed),
      );
      expect(state.alerts).toEqual([
        expect.objectContaining({ id: alertId, armed: false, firedPrice: 111 }),
      ]);
    }

    step("fired everywhere");
    await server.kill9();
    await server.restart();
    step("restarted");

    const back = await join(id, "Back");
    const later = back.all("state")[0] as unknown as State;
    expect(later.alerts).toEqual([
      expect.objectContaining({ id: alertId, armed: false, firedPrice: 111 }),
    ]);
    await push(100);
    await push(130);
    await new Promise((r) => setTimeout(r, 1500));
    await roundTrip(back);
    expect(back.all("fired")).toEqual([]);
    expect(await stats()).toMatchObject({ alertsArmed: 0, alertsPending: 0 });
  }, 120_000);

  it("armed before a kill -9 stays armed, and fires once after the restart", async () => {
    await push(100);
    const { id, editKey } = await create([SYMBOL]);
    const ann = await join(id, "Ann", editKey);
    const reply = await ask(ann, { type: "alert", symbol: SYMBOL, when: "below", value: 90 });
    expect(reply).toMatchObject({ type: "ack" });
    const alertId = reply.alertId as string;
    await until("the ticker room to hold the armed alert", async () => {
      return (await stats()).alertsArmed === 1;
    });

    await server.kill9();
    await server.restart();
    // Nobody has the list open: the ticker room holds the armed alert on its own.
    expect(await stats()).toMatchObject({ alertsArmed: 1 });
    const ben = await join(id, "Ben");
    await push(95);
    await push(89);
    const fired = await ben.nextOf("fired", WAIT);
    expect(fired).toMatchObject({ alertId, symbol: SYMBOL, price: 89 });
    await push(95);
    await push(80);
    await roundTrip(ben);
    await until("the firing to be delivered", async () => (await stats()).alertsPending === 0);
    expect(ben.all("fired").map((f) => f.alertId)).toEqual([alertId]);
  }, 120_000);
});
