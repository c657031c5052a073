/**
 * Working together on one list over real sockets, against the running server (the Worker, or
 * `partykit dev` under `TEST_RUNTIME=partykit`): two people see each other's alerts, drawings
 * and crosshairs; a viewer sees them and changes nothing; a latecomer gets the activity; all of
 * it survives a kill -9; and a firing cannot be forged from outside.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../helpers/server.ts";
import { type Typed, WsClient } from "../helpers/ws-client.ts";

type User = { id: string; name: string; color: string };
type Alert = {
  id: string;
  symbol: string;
  when: string;
  value: number;
  by: string;
  armed: boolean;
};
type Drawing = { id: string; symbol: string; kind: string; by: string; color: string } & Record<
  string,
  unknown
>;
type State = Typed<"state"> & {
  symbols: string[];
  version: number;
  role: "editor" | "viewer";
  you: User;
  alerts: Alert[];
  drawings: Drawing[];
};
type Event = { seq: number; at: number; by: string; kind: string } & Record<string, unknown>;
type Crosshair = { user: string; symbol: string | null; time?: number; price?: number };
type Reply = {
  type: "ack" | "error";
  ref?: string;
  code?: string;
  message?: string;
  alertId?: string;
  drawingId?: string;
};

const WAIT = 5000;
let server: TestServer;
const clients: WsClient[] = [];

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await server?.dispose();
});

const newId = () => randomBytes(12).toString("base64url");
const listUrl = (id: string) => `${server.url}/parties/watchlist/${id}`;

async function create(symbols: string[]) {
  const id = newId();
  const res = await fetch(listUrl(id), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "Together", symbols }),
  });
  expect(res.status).toBe(201);
  return { id, editKey: ((await res.json()) as { editKey: string }).editKey };
}

/** Joins as `name`; with `key`, becomes an editor by the `auth` frame before returning. */
async function join(id: string, name: string, key?: string) {
  const client = await WsClient.connect(
    server.wsUrl(`/parties/watchlist/${id}?name=${encodeURIComponent(name)}`),
  );
  clients.push(client);
  let state = (await client.nextOf("state", WAIT)) as unknown as State;
  if (key) {
    send(client, { type: "auth", key });
    state = await stateWhere(client, "editor state", (s) => s.role === "editor");
  }
  return { client, you: state.you };
}

function send(client: WsClient, frame: Record<string, unknown>): void {
  client.send(JSON.stringify(frame));
}

/** The first state (among every frame so far, and those to come) that passes `check`. */
async function stateWhere(
  client: WsClient,
  what: string,
  check: (s: State) => boolean,
): Promise<State> {
  const seen = (client.all("state") as unknown as State[]).find(check);
  if (seen) return seen;
  const frame = await client.next(
    (d) => (d as { type?: string })?.type === "state" && check(d as State),
    WAIT,
    what,
  );
  return frame.data as State;
}

async function ask(client: WsClient, frame: Record<string, unknown>): Promise<Reply> {
  const ref = `r-${randomBytes(4).toString("hex")}`;
  send(client, { ...frame, ref });
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
  send(client, { type: "ping", ref });
  await client.next((d) => (d as { ref?: string })?.ref === ref, WAIT, "pong");
}

describe("two people on one list", () => {
  it("see each other's alerts, drawings and crosshairs, and each other's names on them", async () => {
    const { id, editKey } = await create(["AAPL", "MSFT"]);
    const ann = await join(id, "Ann", editKey);
    const ben = await join(id, "Ben", editKey);

    const alert = await ask(ann.client, {
      type: "alert",
      symbol: "AAPL",
      when: "above",
      value: 250,
    });
    expect(alert).toMatchObject({ type: "ack" });
    const withAlert = await stateWhere(ben.client, "Ann's alert", (s) => s.alerts.length === 1);
    expect(withAlert.alerts).toEqual([
      { id: alert.alertId, symbol: "AAPL", when: "above", value: 250, by: "Ann", armed: true },
    ]);

    const level = await ask(ben.client, {
      type: "draw",
      symbol: "AAPL",
      kind: "level",
      price: 190,
    });
    expect(level).toMatchObject({ type: "ack" });
    const withLevel = await stateWhere(ann.client, "Ben's level", (s) => s.drawings.length === 1);
    expect(withLevel.drawings).toEqual([
      {
        id: level.drawingId,
        symbol: "AAPL",
        kind: "level",
        price: 190,
        by: "Ben",
        color: ben.you.color,
      },
    ]);

    // Ann moves Ben's level; Ben sees it move.
    expect(
      await ask(ann.client, { type: "redraw", drawingId: level.drawingId, price: 191.5 }),
    ).toMatchObject({ type: "ack" });
    await stateWhere(ben.client, "the moved level", (s) => s.drawings[0]?.price === 191.5);

    // Ben follows Ann's crosshair.
    const time = Date.now();
    send(ann.client, { type: "crosshair", symbol: "AAPL", time, price: 189.25 });
    const seen = await ben.client.next(
      (d) =>
        (d as { type?: string })?.type === "crosshairs" &&
        (d as { crosshairs: Crosshair[] }).crosshairs.some((c) => c.user === ann.you.id),
      WAIT,
      "Ann's crosshair",
    );
    expect((seen.data as { crosshairs: Crosshair[] }).crosshairs).toContainEqual({
      user: ann.you.id,
      symbol: "AAPL",
      time,
      price: 189.25,
    });
    send(ann.client, { type: "crosshair", symbol: null });
    await ben.client.next(
      (d) =>
        (d as { type?: string })?.type === "crosshairs" &&
        (d as { crosshairs: Crosshair[] }).crosshairs.some(
          (c) => c.user === ann.you.id && c.symbol === null,
        ),
      WAIT,
      "Ann's crosshair gone",
    );

    // Every event came before the crosshair that followed it on the same socket.
    const kinds = (c: WsClient) => c.all("event").map((e) => (e.event as Event).kind);
    expect(kinds(ben.client)).toEqual(["alert-set", "drawing-added"]);
    await roundTrip(ann.client);
    expect(kinds(ann.client)).toEqual(["alert-set", "drawing-added"]);
  });

  it("lets a viewer see everything, follow with a crosshair, and change nothing", async () => {
    const { id, editKey } = await create(["AAPL"]);
    const ann = await join(id, "Ann", editKey);
    const { alertId } = await ask(ann.client, {
      type: "alert",
      symbol: "AAPL",
      when: "change-below",
      value: -3,
    });
    const { drawingId } = await ask(ann.client, {
      type: "draw",
      symbol: "AAPL",
      kind: "trend",
      from: { time: 1_796_000_000_000, price: 180 },
      to: { time: 1_796_000_600_000, price: 185 },
    });
    const cat = await join(id, "Cat");
    const first = cat.client.all("state")[0] as unknown as State;
    expect(first.role).toBe("viewer");
    expect(first.alerts.map((a) => a.id)).toEqual([alertId]);
    expect(first.drawings.map((d) => d.id)).toEqual([drawingId]);

    for (const frame of [
      { type: "alert", symbol: "AAPL", when: "above", value: 1 },
      { type: "unalert", alertId },
      { type: "draw", symbol: "AAPL", kind: "level", price: 1 },
      { type: "redraw", drawingId, price: 2 },
      { type: "undraw", drawingId },
    ]) {
      expect(await ask(cat.client, frame), frame.type).toMatchObject({
        type: "error",
        code: "forbidden",
      });
    }
    // A crosshair is presence, not an edit: the viewer's is shown.
    send(cat.client, { type: "crosshair", symbol: "AAPL", time: Date.now(), price: 181 });
    await ann.client.next(
      (d) =>
        (d as { type?: string })?.type === "crosshairs" &&
        (d as { crosshairs: Crosshair[] }).crosshairs.some((c) => c.user === cat.you.id),
      WAIT,
      "Cat's crosshair",
    );
    await roundTrip(ann.client);
    const last = ann.client.all("state").at(-1) as unknown as State;
    expect(last.alerts.map((a) => a.id)).toEqual([alertId]);
    expect(last.drawings.map((d) => d.id)).toEqual([drawingId]);
  });

  it("refuses alerts and drawings the list cannot hold, with clear errors", async () => {
    const { id, editKey } = await create(["AAPL"]);
    const ann = await join(id, "Ann", editKey);
    expect(
      await ask(ann.client, { type: "alert", symbol: "TSLA", when: "above", value: 1 }),
    ).toMatchObject({ code: "bad_message", message: expect.stringContaining("not in this list") });
    ann.client.send('{"type":"alert","symbol":"AAPL","when":"above","value":1e999,"ref":"inf"}');
    const inf = await ann.client.next(
      (d) => (d as Reply)?.ref === "inf",
      WAIT,
      "reply to an infinite value",
    );
    expect(inf.data).toMatchObject({ type: "error", code: "bad_message" });
    expect(
      await ask(ann.client, { type: "draw", symbol: "AAPL", kind: "level", price: -1 }),
    ).toMatchObject({ code: "bad_message" });
  });
});

describe("activity", () => {
  it("is sent to whoever opens the list later, oldest first", async () => {
    const { id, editKey } = await create(["AAPL"]);
    const ann = await join(id, "Ann", editKey);
    expect(await ask(ann.client, { type: "add", symbol: "MSFT" })).toMatchObject({ type: "ack" });
    await ask(ann.client, { type: "alert", symbol: "MSFT", when: "below", value: 300 });
    await ask(ann.client, { type: "draw", symbol: "MSFT", kind: "level", price: 310 });
    await ask(ann.client, { type: "rename", name: "Software" });

    const late = await join(id, "Late");
    const activity = await late.client.nextOf("activity", WAIT);
    const log = activity.events as Event[];
    expect(log.map((e) => [e.kind, e.by])).toEqual([
      ["added", "Ann"],
      ["alert-set", "Ann"],
      ["drawing-added", "Ann"],
      ["renamed", "Ann"],
    ]);
    expect(log.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    // The activity comes right after the first state.
    expect(late.client.frames.map((f) => (f.data as { type: string }).type).slice(0, 2)).toEqual([
      "state",
      "activity",
    ]);
  });
});

describe("durability", () => {
  it("keeps alerts, drawings and activity across a kill -9 of the server", async () => {
    const { id, editKey } = await create(["AAPL"]);
    const ann = await join(id, "Ann", editKey);
    const { alertId } = await ask(ann.client, {
      type: "alert",
      symbol: "AAPL",
      when: "above",
      value: 300,
    });
    const { drawingId } = await ask(ann.client, {
      type: "draw",
      symbol: "AAPL",
      kind: "level",
      price: 195,
    });

    await server.kill9();
    await server.restart();

    const back = await join(id, "Back");
    const state = back.client.all("state")[0] as unknown as State;
    expect(state.alerts).toEqual([
      { id: alertId, symbol: "AAPL", when: "above", value: 300, by: "Ann", armed: true },
    ]);
    expect(state.drawings.map((d) => d.id)).toEqual([drawingId]);
    const activity = await back.client.nextOf("activity", WAIT);
    expect((activity.events as Event[]).map((e) => e.kind)).toEqual(["alert-set", "drawing-added"]);
  });
});

describe("attacks", () => {
  it("refuses a firing posted from outside, even with the internal header, and changes nothing", async () => {
    const { id, editKey } = await create(["AAPL"]);
    const ann = await join(id, "Ann", editKey);
    const { alertId } = await ask(ann.client, {
      type: "alert",
      symbol: "AAPL",
      when: "above",
      value: 500,
    });
    const forged: Record<string, string>[] = [
      { "x-tickerroom-internal": "1", "content-type": "application/json" },
      { "X-Tickerroom-Internal": "1" },
      {},
    ];
    for (const headers of forged) {
      const res = await fetch(`${listUrl(id)}?fired`, {
        method: "POST",
        headers,
        body: JSON.stringify({ alertId, symbol: "AAPL", price: 501, time: Date.now() }),
      });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: "forbidden" } });
    }
    await roundTrip(ann.client);
    expect(ann.client.all("fired")).toEqual([]);
    const late = await join(id, "Late");
    const state = late.client.all("state")[0] as unknown as State;
    expect(state.alerts).toMatchObject([{ id: alertId, armed: true }]);
    // Nor did the POST create anything or change the list.
    const read = await fetch(listUrl(id));
    expect(await read.json()).toMatchObject({ symbols: ["AAPL"], version: 1 });
  });
});
