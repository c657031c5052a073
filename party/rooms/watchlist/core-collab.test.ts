/**
 * Working together on a list, over the room's core and an in-memory host: alerts (set, removed,
 * refused, fired once), drawings, crosshairs (coalesced on a fake clock), the activity ring, the
 * link to the ticker rooms (what they are sent, retried, and told when symbols or the list go),
 * and that nothing of it is seen before it is stored.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  FakeHost,
  type FakeSocket,
  type RoomCall,
} from "../../../tests/helpers/fake-watchlist-host.ts";
import {
  type ActivityEvent,
  type ActivityMessage,
  type AlertView,
  COLLAB_LIMITS,
  type CrosshairsMessage,
  type Drawing,
  type ErrorMessage,
  type EventMessage,
  type FiredMessage,
  type StateMessage,
} from "../../protocol/index.ts";
import {
  type AlertFired,
  type AlertSet,
  AlertSetSchema,
  firedRequest,
  INTERNAL_HEADER,
  LINK_RETRY,
  parseLinkBody,
} from "../alert-link.ts";
import { CLIENT_HEADER } from "../edge-headers.ts";
import { ACTIVITY_PREFIX } from "./activity.ts";
import { LINK_KEY, type LinkRecord } from "./alert-outbox.ts";
import { type WatchlistConnState, WatchlistCore } from "./core.ts";
import { ALERT_PREFIX } from "./list-alerts.ts";

const ID = "Qx7pV2mLk9RtZ3wNc8bJ4h";
const URL_BASE = `http://localhost/parties/watchlist/${ID}`;
const START = Date.UTC(2026, 11, 1, 14, 30);

type Socket = FakeSocket<WatchlistConnState>;
type Reply = {
  type: "ack" | "error";
  ref?: string;
  version?: number;
  code?: string;
  message?: string;
  alertId?: string;
  drawingId?: string;
};

let host: FakeHost<WatchlistConnState>;
let core: WatchlistCore;

beforeEach(async () => {
  vi.useFakeTimers({ now: START, toFake: ["Date", "setTimeout", "clearTimeout"] });
  host = new FakeHost(ID);
  core = new WatchlistCore(host);
  await core.start();
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

async function create(symbols: string[] = ["AAPL", "MSFT"]): Promise<string> {
  const res = await core.request(
    new Request(URL_BASE, { method: "POST", body: JSON.stringify({ symbols }) }),
  );
  expect(res.status).toBe(201);
  return ((await res.json()) as { editKey: string }).editKey;
}

/** `client` is the key the edge gave the client (each may hold 20 sockets in a list). */
async function join(params: Record<string, string> = {}, client = "local"): Promise<Socket> {
  const query = new URLSearchParams(params).toString();
  const req = new Request(`${URL_BASE}${query ? `?${query}` : ""}`, {
    headers: { [CLIENT_HEADER]: client },
  });
  const url = new URL(req.url);
  const socket = host.accept(`${url.pathname}${url.search}`, core.tags(req));
  await core.connect(socket, req);
  return socket;
}

/** Each frame a little after the last, well inside the frame budget. */
async function frame(socket: Socket, message: Record<string, unknown> | string): Promise<void> {
  vi.setSystemTime(Date.now() + 60);
  await core.message(socket, typeof message === "string" ? message : JSON.stringify(message));
}

/** Sends a frame with a ref and returns the answer that echoes it. */
async function ask(socket: Socket, message: Record<string, unknown>): Promise<Reply> {
  const ref = String(message.ref ?? `r${Math.random()}`);
  const from = socket.sent.length;
  await frame(socket, { ...message, ref });
  const reply = socket
    .frames<Reply>(from)
    .find((f) => (f.type === "ack" || f.type === "error") && f.ref === ref);
  if (!reply) throw new Error(`no reply to ${JSON.stringify(message)}`);
  return reply;
}

async function setAlert(socket: Socket, fields: Record<string, unknown>): Promise<string> {
  const reply = await ask(socket, { type: "alert", when: "above", value: 200, ...fields });
  expect(reply).toMatchObject({ type: "ack" });
  return reply.alertId as string;
}

const alertsOf = (s: Socket) => s.last<StateMessage>("state").alerts as AlertView[];
const drawingsOf = (s: Socket) => s.last<StateMessage>("state").drawings as Drawing[];
const events = (s: Socket) => s.framesOf<EventMessage>("event").map((f) => f.event);

function fired(body: AlertFired, internal = true): Promise<Response> {
  const req = firedRequest(ID, body);
  if (!internal) req.headers.delete(INTERNAL_HEADER);
  return core.request(req);
}

const tickerSets = () => host.tickerCalls<AlertSet>();
const ok200 = () => new Response(JSON.stringify({ armed: true }), { status: 200 });

describe("alerts", () => {
  it("arms an alert for everyone, acks its id, and records who set it", async () => {
    const key = await create();
    const ann = await join({ key, name: "Ann" });
    const ben = await join({ name: "Ben" });
    const reply = await ask(ann, { type: "alert", symbol: "AAPL", when: "above", value: 250 });
    expect(reply).toMatchObject({ type: "ack", version: 1 });
    expect(reply.alertId).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
    for (const s of [ann, ben]) {
      expect(alertsOf(s)).toEqual([
        { id: reply.alertId, symbol: "AAPL", when: "above", value: 250, by: "Ann", armed: true },
      ]);
      expect(events(s).at(-1)).toMatchObject({
        kind: "alert-set",
        by: "Ann",
        alertId: reply.alertId,
        symbol: "AAPL",
        when: "above",
        value: 250,
        at: Date.now(),
      });
    }
    // The list's version counts changes to its symbols and name, not to its alerts.
    expect(ben.last<StateMessage>("state").version).toBe(1);
  });

  it("acks an alert without a ref too, since the sender needs its id", async () => {
    const key = await create();
    const ann = await join({ key });
    const from = ann.sent.length;
    await frame(ann, { type: "alert", symbol: "MSFT", when: "change-below", value: -3 });
    const ack = ann.frames<Reply>(from).find((f) => f.type === "ack");
    expect(ack?.alertId).toBe(alertsOf(ann)[0]?.id);
    expect(ack?.ref).toBeUndefined();
  });

  it("refuses viewers, symbols not in the list and values no rule can reach, changing nothing", async () => {
    const key = await create();
    const ann = await join({ key });
    const cat = await join();
    const writes = host.storage.counts.puts;
    expect(
      await ask(cat, { type: "alert", symbol: "AAPL", when: "above", value: 1 }),
    ).toMatchObject({ type: "error", code: "forbidden" });
    const bad: [Record<string, unknown>, string][] = [
      [{ symbol: "NVDA", when: "above", value: 1 }, "not in this list"],
      [{ symbol: "aapl", when: "above", value: 1 }, "use AAPL"],
      [{ symbol: "AAPL", when: "above", value: 0 }, "greater than 0"],
      [{ symbol: "AAPL", when: "below", value: -5 }, "greater than 0"],
      [{ symbol: "AAPL", when: "change-below", value: -100 }, "-100%"],
      [{ symbol: "AAPL", when: "change-above", value: 5000 }, "1000%"],
      [{ symbol: "AAPL", when: "sideways", value: 1 }, "when must be one of"],
      [{ symbol: "AAPL", when: "above", value: "200" }, "value must be a number"],
      [{ symbol: "AAPL", when: "above" }, "value"],
    ];
    for (const [fields, message] of bad) {
      const reply = await ask(ann, { type: "alert", ...fields });
      expect(reply, JSON.stringify(fields)).toMatchObject({ type: "error", code: "bad_message" });
      expect(reply.message).toContain(message);
    }
    // JSON can spell an infinite number: 1e999 parses to Infinity.
    const from = ann.sent.length;
    await frame(ann, '{"type":"alert","symbol":"AAPL","when":"above","value":1e999,"ref":"inf"}');
    expect(ann.frames<ErrorMessage>(from)).toMatchObject([
      {
        type: "error",
        code: "bad_message",
        ref: "inf",
        message: "value: value must be a finite number",
      },
    ]);
    expect(alertsOf(ann)).toEqual([]);
    expect(host.storage.counts.puts).toBe(writes);
    expect(host.calls).toEqual([]);
  });

  it("holds at most 20 alerts on one symbol and 100 in all, fired ones included", async () => {
    const symbols = Array.from({ length: 6 }, (_, i) => `S${i}`);
    const key = await create(symbols);
    const ann = await join({ key });
    for (let i = 0; i < COLLAB_LIMITS.alertsPerSymbol; i++) {
      await setAlert(ann, { symbol: "S0", value: 100 + i });
    }
    const over = await ask(ann, { type: "alert", symbol: "S0", when: "above", value: 1 });
    expect(over).toMatchObject({ type: "error", code: "full" });
    expect(over.message).toContain("20 alerts on S0");
    for (const symbol of ["S1", "S2", "S3", "S4"]) {
      for (let i = 0; i < COLLAB_LIMITS.alertsPerSymbol; i++) {
        await setAlert(ann, { symbol, value: 100 + i });
      }
    }
    expect(alertsOf(ann)).toHaveLength(COLLAB_LIMITS.alertsPerList);
    const full = await ask(ann, { type: "alert", symbol: "S5", when: "above", value: 1 });
    expect(full).toMatchObject({ type: "error", code: "full" });
    expect(full.message).toContain("100 alerts");
    // Removing one makes room again.
    const first = alertsOf(ann)[0]?.id;
    expect(await ask(ann, { type: "unalert", alertId: first })).toMatchObject({ type: "ack" });
    await setAlert(ann, { symbol: "S5", value: 1 });
  });

  it("removes an alert for everyone; an id that is not there is no change", async () => {
    const key = await create();
    const ann = await join({ key, name: "Ann" });
    const ben = await join({ name: "Ben" });
    const id = await setAlert(ann, { symbol: "AAPL" });
    expect(await ask(ann, { type: "unalert", alertId: id })).toMatchObject({ type: "ack" });
    expect(alertsOf(ben)).toEqual([]);
    expect(events(ben).at(-1)).toMatchObject({ kind: "alert-removed", alertId: id, by: "Ann" });
    expect(host.storage.keys().filter((k) => k.startsWith(ALERT_PREFIX))).toEqual([]);
    const states = ben.framesOf("state").length;
    expect(await ask(ann, { type: "unalert", alertId: id })).toMatchObject({ type: "ack" });
    expect(ben.framesOf("state")).toHaveLength(states);
    expect(await ask(ben, { type: "unalert", alertId: id })).toMatchObject({ code: "forbidden" });
    expect(await ask(ann, { type: "unalert", alertId: "no spaces" })).toMatchObject({
      code: "bad_message",
    });
  });

  it("shows nobody an alert whose write failed, and tells no ticker room", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const key = await create();
    const ann = await join({ key });
    const ben = await join();
    const benFrames = ben.sent.length;
    host.storage.failNextBatch();
    expect(
      await ask(ann, { type: "alert", symbol: "AAPL", when: "above", value: 9 }),
    ).toMatchObject({ type: "error", code: "internal_error" });
    expect(ben.sent).toHaveLength(benFrames);
    expect(alertsOf(ann)).toEqual([]);
    expect(host.storage.keys().filter((k) => k !== "list")).toEqual([]);
    expect(host.calls).toEqual([]);
    // The next one is the list's first event, as if the failed one never was.
    await setAlert(ann, { symbol: "AAPL" });
    expect(events(ben).map((e) => e.seq)).toEqual([1]);
  });
});

describe("firings", () => {
  async function armed() {
    const key = await create();
    const ann = await join({ key, name: "Ann" });
    const ben = await join({ name: "Ben" });
    const alertId = await setAlert(ann, { symbol: "AAPL", value: 250 });
    return { ann, ben, alertId };
  }

  it("stores a firing, tells everyone once, and answers a repeat without telling again", async () => {
    const { ann, ben, alertId } = await armed();
    const tick = { alertId, symbol: "AAPL", price: 250.5, time: START + 5000 };
    const res = await fired(tick);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "fired" });
    for (const s of [ann, ben]) {
      expect(s.framesOf<FiredMessage>("fired")).toEqual([{ type: "fired", ...tick }]);
      expect(alertsOf(s)[0]).toMatchObject({
        id: alertId,
        armed: false,
        firedAt: tick.time,
        firedPrice: 250.5,
        by: "Ann",
      });
      expect(events(s).at(-1)).toMatchObject({
        kind: "alert-fired",
        alertId,
        by: "Ann",
        price: 250.5,
        time: tick.time,
      });
    }

    const again = await fired(tick);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: "duplicate" });
    // Also after a restart: the firing was stored before it was announced.
    core = new WatchlistCore(host);
    await core.start();
    expect(await (await fired({ ...tick, price: 251 })).json()).toEqual({ status: "duplicate" });
    for (const s of [ann, ben]) expect(s.framesOf("fired")).toHaveLength(1);

    // A latecomer sees it fired, in the alerts and in the activity.
    const dan = await join();
    expect(alertsOf(dan)[0]).toMatchObject({ armed: false, firedPrice: 250.5 });
    const { events: log } = dan.last<ActivityMessage>("activity");
    expect(log.map((e) => e.kind)).toEqual(["alert-set", "alert-fired"]);
  });

  it("refuses a firing that no room sent, and one that does not fit the alert", async () => {
    const { ben, alertId } = await armed();
    const outside = await fired({ alertId, symbol: "AAPL", price: 300, time: START }, false);
    expect(outside.status).toBe(403);
    expect(await outside.json()).toMatchObject({ error: { code: "forbidden" } });
    const wrongSymbol = await fired({ alertId, symbol: "MSFT", price: 300, time: START });
    expect(wrongSymbol.status).toBe(400);
    const badBody = await core.request(
      new Request(`${URL_BASE}?fired`, {
        method: "POST",
        headers: { [INTERNAL_HEADER]: "1" },
        body: JSON.stringify({ alertId, symbol: "AAPL", price: -1, time: START }),
      }),
    );
    expect(badBody.status).toBe(400);
    expect(
      await (await fired({ alertId: "gone", symbol: "AAPL", price: 1, time: START })).json(),
    ).toEqual({ status: "unknown" });
    expect(ben.framesOf("fired")).toEqual([]);
    expect(alertsOf(ben)[0]?.armed).toBe(true);
  });

  it("answers 500 when the firing cannot be stored, so that the ticker room sends it again", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const { ben, alertId } = await armed();
    const tick = { alertId, symbol: "AAPL", price: 251, time: START + 1 };
    host.storage.failNextBatch();
    expect((await fired(tick)).status).toBe(500);
    expect(ben.framesOf("fired")).toEqual([]);
    expect(alertsOf(ben)[0]?.armed).toBe(true);
    expect(await (await fired(tick)).json()).toEqual({ status: "fired" });
    expect(ben.framesOf("fired")).toHaveLength(1);
  });
});

describe("the link to the ticker rooms", () => {
  it("sends a symbol's armed set whenever it changes, numbered, with the internal header", async () => {
    host.answer = ok200;
    const key = await create();
    const ann = await join({ key });
    const first = await setAlert(ann, { symbol: "AAPL", when: "above", value: 250 });
    const second = await setAlert(ann, { symbol: "AAPL", when: "change-below", value: -2 });
    await setAlert(ann, { symbol: "MSFT", when: "below", value: 300 });
    await ask(ann, { type: "unalert", alertId: first });
    const calls = tickerSets();
    expect(calls.map((c) => [c.id, c.method, c.path])).toEqual([
      ["AAPL", "POST", "/parties/ticker/AAPL?alerts"],
      ["AAPL", "POST", "/parties/ticker/AAPL?alerts"],
      ["MSFT", "POST", "/parties/ticker/MSFT?alerts"],
      ["AAPL", "POST", "/parties/ticker/AAPL?alerts"],
    ]);
    for (const c of calls) expect(c.headers.get(INTERNAL_HEADER)).toBe("1");
    expect(calls.map((c) => c.json.seq)).toEqual([1, 2, 3, 4]);
    expect(calls[1]?.json).toEqual({
      list: ID,
      seq: 2,
      armed: [
        { id: first, when: "above", value: 250, armedAt: expect.any(Number) },
        { id: second, when: "change-below", value: -2, armedAt: expect.any(Number) },
      ],
    });
    expect(calls[3]?.json.armed.map((a) => a.id)).toEqual([second]);
    expect(host.storage.peek<LinkRecord>(LINK_KEY)).toEqual({ seq: 4, pending: {} });
    expect(host.storage.alarmTime).toBeNull();
  });

  it("keeps working while the ticker room cannot take sets yet, and retries by alarm until it can", async () => {
    const key = await create();
    const ann = await join({ key });
    // The default answer is a ticker room's 405 for a request it does not know.
    const id = await setAlert(ann, { symbol: "AAPL" });
    expect(alertsOf(ann)[0]).toMatchObject({ id, armed: true });
    expect(tickerSets()).toHaveLength(1);
    expect(host.storage.peek<LinkRecord>(LINK_KEY)?.pending).toEqual({ AAPL: 1 });
    const firstRetry = host.storage.alarmTime;
    expect(firstRetry).toBe(Date.now() + LINK_RETRY.firstMs);
    // Edits that leave the alerts alone do not hurry the retry.
    await ask(ann, { type: "rename", name: "Waiting" });
    expect(tickerSets()).toHaveLength(1);

    // A failed retry waits twice as long.
    vi.setSystemTime(firstRetry as number);
    expect(host.storage.takeDueAlarm(Date.now())).toBe(true);
    await core.alarm();
    expect(tickerSets()).toHaveLength(2);
    expect(host.storage.alarmTime).toBe(Date.now() + 2 * LINK_RETRY.firstMs);

    // Once the ticker room takes it, nothing is left to retry, and no alarm.
    host.answer = ok200;
    vi.setSystemTime(host.storage.alarmTime as number);
    expect(host.storage.takeDueAlarm(Date.now())).toBe(true);
    await core.alarm();
    expect(tickerSets()).toHaveLength(3);
    expect(host.storage.peek<LinkRecord>(LINK_KEY)?.pending).toEqual({});
    expect(host.storage.alarmTime).toBeNull();
    // An alarm with nothing to send sends nothing.
    await core.alarm();
    expect(tickerSets()).toHaveLength(3);
  });

  it("treats a room that cannot be reached, or does not answer in time, as not yet delivered", async () => {
    const key = await create();
    const ann = await join({ key });
    host.answer = () => {
      throw new Error("unreachable");
    };
    await setAlert(ann, { symbol: "AAPL" });
    expect(host.storage.alarmTime).not.toBeNull();
    host.answer = () => new Promise<Response>(() => undefined);
    const sent = core.message(
      ann,
      JSON.stringify({ type: "alert", symbol: "MSFT", when: "above", value: 1, ref: "slow" }),
    );
    await vi.advanceTimersByTimeAsync(LINK_RETRY.timeoutMs);
    await sent;
    expect(ann.last<Reply>("ack").ref).toBe("slow");
    expect(Object.keys(host.storage.peek<LinkRecord>(LINK_KEY)?.pending ?? {}).sort()).toEqual([
      "AAPL",
      "MSFT",
    ]);
  });

  it("sends what a crash left undelivered when the room starts again", async () => {
    const key = await create();
    const ann = await join({ key });
    await setAlert(ann, { symbol: "AAPL" });
    host.answer = ok200;
    core = new WatchlistCore(host);
    await core.start();
    await vi.waitFor(() => expect(host.storage.peek<LinkRecord>(LINK_KEY)?.pending).toEqual({}));
    expect(tickerSets().at(-1)?.json.armed).toHaveLength(1);
  });

  it("does not send a set for a fired alert (the ticker room disarmed it), nor for its removal", async () => {
    host.answer = ok200;
    const key = await create();
    const ann = await join({ key });
    const alertId = await setAlert(ann, { symbol: "AAPL" });
    await fired({ alertId, symbol: "AAPL", price: 201, time: START + 1 });
    await ask(ann, { type: "unalert", alertId });
    expect(tickerSets()).toHaveLength(1);
  });

  it("wires a ticker room that fires: the firing it sends reaches everyone once", async () => {
    const key = await create();
    const ann = await join({ key, name: "Ann" });
    const ben = await join({ name: "Ben" });
    // A stand-in for the ticker room: it takes sets, and fires the first alert on a tick.
    let held: AlertSet | null = null;
    host.answer = (call: RoomCall) => {
      const read = parseLinkBody(AlertSetSchema, call.body);
      if (!read.ok) throw new Error(`the list sent a set the ticker room refuses: ${read.message}`);
      held = read.value;
      return new Response(null, { status: 204 });
    };
    await setAlert(ann, { symbol: "AAPL", when: "below", value: 150 });
    const set = held as AlertSet | null;
    expect(set?.list).toBe(ID);
    const alert = set?.armed[0];
    if (!set || !alert) throw new Error("no set");
    const firing = { alertId: alert.id, symbol: "AAPL", price: 149.9, time: START + 10 };
    const answers = await Promise.all([
      core.request(firedRequest(set.list, firing)),
      core.request(firedRequest(set.list, firing)),
    ]);
    expect(await Promise.all(answers.map((r) => r.json()))).toEqual([
      { status: "fired" },
      { status: "duplicate" },
    ]);
    for (const s of [ann, ben]) expect(s.framesOf("fired")).toHaveLength(1);
  });
});

describe("removing a symbol, deleting the list", () => {
  it("takes a removed symbol's alerts and drawings with it, and clears its set at the ticker", async () => {
    host.answer = ok200;
    const key = await create();
    const ann = await join({ key });
    await setAlert(ann, { symbol: "AAPL" });
    const kept = await setAlert(ann, { symbol: "MSFT" });
    await ask(ann, { type: "draw", symbol: "AAPL", kind: "level", price: 190 });
    const writes = host.storage.counts.puts;
    expect(await ask(ann, { type: "remove", symbol: "AAPL" })).toMatchObject({ type: "ack" });
    expect(host.storage.counts.puts).toBe(writes + 2); // the change, then the delivery's mark
    expect(alertsOf(ann).map((a) => a.id)).toEqual([kept]);
    expect(drawingsOf(ann)).toEqual([]);
    expect(tickerSets().at(-1)).toMatchObject({ id: "AAPL", json: { armed: [] } });
    expect(events(ann).at(-1)).toMatchObject({ kind: "removed", symbol: "AAPL" });
    // Back in the list, the symbol starts clean.
    await ask(ann, { type: "add", symbol: "AAPL" });
    expect(alertsOf(ann).map((a) => a.symbol)).toEqual(["MSFT"]);
  });

  it("stores nothing of a removal whose write failed", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const key = await create();
    const ann = await join({ key });
    await setAlert(ann, { symbol: "AAPL" });
    const before = host.storage.keys();
    const calls = host.calls.length;
    host.storage.failNextBatch();
    expect(await ask(ann, { type: "remove", symbol: "AAPL" })).toMatchObject({
      code: "internal_error",
    });
    expect(host.storage.keys()).toEqual(before);
    expect(alertsOf(ann)).toHaveLength(1);
    // Nothing changed, so no new set: only the pending one from before is retried.
    expect(
      tickerSets()
        .slice(calls)
        .every((c) => c.json.armed.length === 1),
    ).toBe(true);
  });

  it("tells the ticker rooms a deleted list's alerts are gone, keeps none of its content, and refuses its firings", async () => {
    host.answer = ok200;
    const key = await create();
    const ann = await join({ key });
    const alertId = await setAlert(ann, { symbol: "AAPL" });
    await setAlert(ann, { symbol: "MSFT" });
    await ask(ann, { type: "draw", symbol: "MSFT", kind: "level", price: 400 });
    const before = tickerSets().length;
    const res = await core.request(
      new Request(URL_BASE, { method: "DELETE", headers: { authorization: `Bearer ${key}` } }),
    );
    expect(res.status).toBe(204);
    const cleared = tickerSets().slice(before);
    expect(cleared.map((c) => [c.id, c.json.armed])).toEqual([
      ["AAPL", []],
      ["MSFT", []],
    ]);
    expect(host.storage.keys().sort()).toEqual([LINK_KEY, "list"]);
    expect((await fired({ alertId, symbol: "AAPL", price: 300, time: START })).status).toBe(404);
  });

  it("delivers a deleted list's empty sets after a restart too", async () => {
    const key = await create();
    const ann = await join({ key });
    await setAlert(ann, { symbol: "AAPL" });
    await core.request(
      new Request(URL_BASE, { method: "DELETE", headers: { authorization: `Bearer ${key}` } }),
    );
    host.answer = ok200;
    core = new WatchlistCore(host);
    await core.start();
    await vi.waitFor(() => expect(host.storage.peek<LinkRecord>(LINK_KEY)?.pending).toEqual({}));
    expect(tickerSets().at(-1)).toMatchObject({ id: "AAPL", json: { armed: [] } });
  });
});

describe("drawings", () => {
  it("adds, moves and deletes levels and trend lines, for everyone, in the author's colour", async () => {
    const key = await create();
    const ann = await join({ key, name: "Ann" });
    const ben = await join({ key, name: "Ben" });
    const annColor = ann.frames<StateMessage>()[0]?.you.color;
    const level = await ask(ann, { type: "draw", symbol: "AAPL", kind: "level", price: 190.5 });
    expect(level).toMatchObject({ type: "ack", version: 1 });
    const from = { time: START - 3_600_000, price: 180 };
    const to = { time: START, price: 195 };
    const trend = await ask(ben, { type: "draw", symbol: "AAPL", kind: "trend", from, to });
    expect(drawingsOf(ann)).toEqual([
      {
        id: level.drawingId,
        symbol: "AAPL",
        kind: "level",
        price: 190.5,
        by: "Ann",
        color: annColor,
      },
      {
        id: trend.drawingId,
        symbol: "AAPL",
        kind: "trend",
        from,
        to,
        by: "Ben",
        color: ben.frames<StateMessage>()[0]?.you.color,
      },
    ]);
    expect(events(ann).map((e) => [e.kind, e.by])).toEqual([
      ["drawing-added", "Ann"],
      ["drawing-added", "Ben"],
    ]);

    // Any editor moves anyone's; a move is not an event.
    expect(
      await ask(ben, { type: "redraw", drawingId: level.drawingId, price: 192 }),
    ).toMatchObject({
      type: "ack",
    });
    const moved = { time: START, price: 200 };
    await ask(ann, { type: "redraw", drawingId: trend.drawingId, from, to: moved });
    expect(drawingsOf(ben).map((d) => (d.kind === "level" ? d.price : d.to))).toEqual([192, moved]);
    expect(drawingsOf(ben)[0]?.by).toBe("Ann");
    expect(events(ann)).toHaveLength(2);

    expect(await ask(ann, { type: "undraw", drawingId: trend.drawingId })).toMatchObject({
      type: "ack",
    });
    expect(drawingsOf(ben).map((d) => d.id)).toEqual([level.drawingId]);
    expect(events(ben).at(-1)).toMatchObject({ kind: "drawing-removed", by: "Ann" });
    // Deleting one that is gone is no change.
    const states = ben.framesOf("state").length;
    expect(await ask(ann, { type: "undraw", drawingId: trend.drawingId })).toMatchObject({
      type: "ack",
    });
    expect(ben.framesOf("state")).toHaveLength(states);
  });

  it("refuses bad drawings, bad moves and viewers, changing nothing", async () => {
    const key = await create();
    const ann = await join({ key });
    const cat = await join();
    const level = await ask(ann, { type: "draw", symbol: "AAPL", kind: "level", price: 10 });
    const refusals: [Socket, Record<string, unknown>, string][] = [
      [cat, { type: "draw", symbol: "AAPL", kind: "level", price: 10 }, "forbidden"],
      [cat, { type: "redraw", drawingId: level.drawingId, price: 11 }, "forbidden"],
      [cat, { type: "undraw", drawingId: level.drawingId }, "forbidden"],
      [ann, { type: "draw", symbol: "NVDA", kind: "level", price: 10 }, "bad_message"],
      [ann, { type: "draw", symbol: "AAPL", kind: "level", price: 0 }, "bad_message"],
      [ann, { type: "draw", symbol: "AAPL", kind: "level", price: 2e9 }, "bad_message"],
      [ann, { type: "draw", symbol: "AAPL", kind: "circle", price: 10 }, "bad_message"],
      [
        ann,
        {
          type: "draw",
          symbol: "AAPL",
          kind: "trend",
          from: { time: 1, price: 1 },
          to: { time: 1, price: 2 },
        },
        "bad_message",
      ],
      [
        ann,
        {
          type: "draw",
          symbol: "AAPL",
          kind: "trend",
          from: { time: 1.5, price: 1 },
          to: { time: 2, price: 2 },
        },
        "bad_message",
      ],
      [ann, { type: "redraw", drawingId: level.drawingId }, "bad_message"],
      [
        ann,
        {
          type: "redraw",
          drawingId: level.drawingId,
          from: { time: 1, price: 1 },
          to: { time: 2, price: 1 },
        },
        "bad_message",
      ],
      [ann, { type: "redraw", drawingId: "nope", price: 3 }, "not_found"],
    ];
    for (const [socket, message, code] of refusals) {
      expect(await ask(socket, message), JSON.stringify(message)).toMatchObject({
        type: "error",
        code,
      });
    }
    expect(drawingsOf(ann)).toEqual([expect.objectContaining({ id: level.drawingId, price: 10 })]);
  });

  it("holds at most 20 drawings on one symbol and 200 in all", async () => {
    const symbols = Array.from({ length: 11 }, (_, i) => `S${i}`);
    const key = await create(symbols);
    const ann = await join({ key });
    for (const symbol of symbols.slice(0, 10)) {
      for (let i = 0; i < COLLAB_LIMITS.drawingsPerSymbol; i++) {
        const reply = await ask(ann, { type: "draw", symbol, kind: "level", price: 1 + i });
        expect(reply.type).toBe("ack");
      }
    }
    const perSymbol = await ask(ann, { type: "draw", symbol: "S0", kind: "level", price: 5 });
    expect(perSymbol).toMatchObject({ code: "full" });
    const perList = await ask(ann, { type: "draw", symbol: "S10", kind: "level", price: 5 });
    expect(perList).toMatchObject({ code: "full" });
    expect(perList.message).toContain("200 drawings");
    expect(drawingsOf(ann)).toHaveLength(COLLAB_LIMITS.drawingsPerList);
  });

  it("keeps drawings across a restart, and shows none of a drawing whose write failed", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const key = await create();
    const ann = await join({ key });
    await ask(ann, { type: "draw", symbol: "MSFT", kind: "level", price: 420 });
    host.storage.failNextBatch();
    expect(
      await ask(ann, { type: "draw", symbol: "MSFT", kind: "level", price: 421 }),
    ).toMatchObject({ code: "internal_error" });
    core = new WatchlistCore(host);
    await core.start();
    const dan = await join();
    expect(drawingsOf(dan).map((d) => (d.kind === "level" ? d.price : null))).toEqual([420]);
  });
});

describe("crosshairs", () => {
  const at = (price: number) => ({ type: "crosshair", symbol: "AAPL", time: START, price });
  const crosshairFrames = (s: Socket, from = 0) =>
    s.frames<CrosshairsMessage>(from).filter((f) => f.type === "crosshairs");

  it("relays the first move at once and merges the next ones into one frame per 100 ms", async () => {
    const key = await create();
    const ann = await join({ key, name: "Ann" });
    const ben = await join({ name: "Ben" });
    const benId = ben.frames<StateMessage>()[0]?.you.id;
    const from = ann.sent.length;
    await core.message(ben, JSON.stringify(at(100)));
    expect(crosshairFrames(ann, from)).toEqual([
      {
        type: "crosshairs",
        crosshairs: [{ user: benId, symbol: "AAPL", time: START, price: 100 }],
      },
    ]);
    for (const price of [101, 102, 103]) await core.message(ben, JSON.stringify(at(price)));
    expect(crosshairFrames(ann, from)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(COLLAB_LIMITS.crosshairMinIntervalMs);
    expect(crosshairFrames(ann, from)).toHaveLength(2);
    expect(crosshairFrames(ann, from)[1]?.crosshairs).toEqual([
      { user: benId, symbol: "AAPL", time: START, price: 103 },
    ]);
    // Leaving the chart, and leaving the list, hide it.
    await vi.advanceTimersByTimeAsync(1000);
    await core.message(ben, JSON.stringify({ type: "crosshair", symbol: null }));
    expect(crosshairFrames(ann, from).at(-1)?.crosshairs).toEqual([{ user: benId, symbol: null }]);
    await vi.advanceTimersByTimeAsync(1000);
    await core.message(ben, JSON.stringify(at(99)));
    host.leave(ben);
    core.close(ben);
    await vi.advanceTimersByTimeAsync(COLLAB_LIMITS.crosshairMinIntervalMs);
    expect(crosshairFrames(ann, from).at(-1)?.crosshairs).toEqual([{ user: benId, symbol: null }]);
    expect(host.storage.counts.puts).toBe(1); // the create: crosshairs are never stored
  });

  it("sends each person at most 10 updates a second, fewer when many are here", async () => {
    const key = await create();
    const ann = await join({ key });
    const ben = await join();
    const from = ann.sent.length;
    // Ben moves every 20 ms for a second: 50 moves.
    for (let i = 0; i < 50; i++) {
      await core.message(ben, JSON.stringify(at(100 + i)));
      await vi.advanceTimersByTimeAsync(20);
    }
    await vi.advanceTimersByTimeAsync(200);
    const two = crosshairFrames(ann, from);
    expect(two.length).toBeGreaterThanOrEqual(9);
    expect(two.length).toBeLessThanOrEqual(11);
    expect(two.at(-1)?.crosshairs[0]).toMatchObject({ price: 149 });

    // With 30 people the list's frames come every 600 ms.
    for (let i = 0; i < 28; i++) await join({ name: `P${i}` }, `client-${i}`);
    await vi.advanceTimersByTimeAsync(2000);
    const mark = ann.sent.length;
    for (let i = 0; i < 50; i++) {
      await core.message(ben, JSON.stringify(at(200 + i)));
      await vi.advanceTimersByTimeAsync(20);
    }
    await vi.advanceTimersByTimeAsync(1000);
    const many = crosshairFrames(ann, mark);
    expect(many.length).toBeGreaterThanOrEqual(2);
    expect(many.length).toBeLessThanOrEqual(3);
    expect(many.at(-1)?.crosshairs[0]).toMatchObject({ price: 249 });
  });

  it("shows a viewer's crosshair, and gives a newcomer the crosshairs shown now", async () => {
    const key = await create();
    const ann = await join({ key });
    const cat = await join({ name: "Cat" });
    const catId = cat.frames<StateMessage>()[0]?.you.id;
    await core.message(cat, JSON.stringify(at(42)));
    expect(crosshairFrames(ann).at(-1)?.crosshairs[0]).toMatchObject({ user: catId, price: 42 });
    const dan = await join();
    expect(
      dan
        .frames()
        .map((f) => f.type)
        .slice(0, 3),
    ).toEqual(["state", "activity", "crosshairs"]);
    expect(crosshairFrames(dan)[0]?.crosshairs).toEqual([
      { user: catId, symbol: "AAPL", time: START, price: 42 },
    ]);
  });

  it("refuses crosshairs that are not one, without closing the connection", async () => {
    await create();
    const cat = await join();
    for (const bad of [
      { type: "crosshair", symbol: "AAPL" },
      { type: "crosshair", symbol: "AAPL", time: START, price: "1" },
      { type: "crosshair", symbol: "aapl", time: START, price: 1 },
      { type: "crosshair", symbol: "AAPL", time: -1, price: 1 },
      { type: "crosshair", symbol: "AAPL", time: START, price: 1e12 },
    ]) {
      expect(await ask(cat, bad), JSON.stringify(bad)).toMatchObject({ code: "bad_message" });
    }
    expect(cat.open).toBe(true);
  });
});

describe("activity", () => {
  it("keeps the last 200 events, in a ring of 200 keys, and sends them to late joiners", async () => {
    const key = await create(["AAPL"]);
    const ann = await join({ key, name: "Ann" });
    expect(ann.last<ActivityMessage>("activity").events).toEqual([]);
    await ask(ann, { type: "add", symbols: ["MSFT", "NVDA"] });
    await ask(ann, { type: "move", symbol: "NVDA", index: 0 });
    await ask(ann, { type: "remove", symbol: "MSFT" });
    const total = 205;
    for (let i = 4; i <= total; i++) await ask(ann, { type: "rename", name: `List ${i}` });

    const activityKeys = host.storage.keys().filter((k) => k.startsWith(ACTIVITY_PREFIX));
    expect(activityKeys).toHaveLength(COLLAB_LIMITS.activityEvents);

    const late = await join({ name: "Late" });
    const log = late.last<ActivityMessage>("activity").events;
    expect(log).toHaveLength(COLLAB_LIMITS.activityEvents);
    expect(log[0]?.seq).toBe(total - COLLAB_LIMITS.activityEvents + 1);
    expect(log.at(-1)).toMatchObject({
      seq: total,
      kind: "renamed",
      name: `List ${total}`,
      by: "Ann",
    });

    // And so after a restart.
    core = new WatchlistCore(host);
    await core.start();
    const later = await join();
    expect(later.last<ActivityMessage>("activity").events).toEqual(log);
  });

  it("records who added, moved, removed and renamed, in the same write as the change", async () => {
    const key = await create(["AAPL"]);
    const ann = await join({ key, name: "Ann" });
    const ben = await join({ name: "Ben" });
    const puts = host.storage.counts.puts;
    await ask(ann, { type: "add", symbols: ["AAPL", "MSFT", "NVDA"], index: 0 });
    expect(host.storage.counts.puts).toBe(puts + 1);
    await ask(ann, { type: "move", symbol: "AAPL", index: 0 });
    await ask(ann, { type: "remove", symbol: "NVDA" });
    await ask(ann, { type: "rename", name: "Chips" });
    // Changes that change nothing record nothing.
    await ask(ann, { type: "rename", name: "Chips" });
    const bodies = events(ben).map(({ seq: _s, at: _a, ...rest }) => rest);
    expect(bodies).toEqual([
      { kind: "added", by: "Ann", symbols: ["MSFT", "NVDA"] },
      { kind: "moved", by: "Ann", symbol: "AAPL", index: 0 },
      { kind: "removed", by: "Ann", symbol: "NVDA" },
      { kind: "renamed", by: "Ann", name: "Chips" },
    ]);
    const seqs = events(ben).map((e: ActivityEvent) => e.seq);
    expect(seqs).toEqual([1, 2, 3, 4]);
  });

  it("records nothing of an edit whose write failed", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const key = await create(["AAPL"]);
    const ann = await join({ key });
    host.storage.failNextBatch();
    expect(await ask(ann, { type: "rename", name: "Lost" })).toMatchObject({
      code: "internal_error",
    });
    expect(events(ann)).toEqual([]);
    expect(host.storage.keys().filter((k) => k.startsWith(ACTIVITY_PREFIX))).toEqual([]);
    const late = await join();
    expect(late.last<ActivityMessage>("activity").events).toEqual([]);
  });
});
