/**
 * The watchlist room's core over an in-memory host: what clients see when they create, join,
 * edit and look around, and that a core built afresh over the same storage and sockets (a
 * wake-up from hibernation) carries on where the last one stopped.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeHost, type FakeSocket } from "../../../tests/helpers/fake-watchlist-host.ts";
import type {
  AckMessage,
  ErrorMessage,
  PresenceMessage,
  StateMessage,
} from "../../protocol/index.ts";
import { type WatchlistConnState, WatchlistCore } from "./core.ts";
import { LIST_KEY, type StoredList } from "./list.ts";
import { sha256Hex } from "./secrets.ts";

const ID = "Qx7pV2mLk9RtZ3wNc8bJ4h";
const URL_BASE = `http://localhost/parties/watchlist/${ID}`;
const START = Date.UTC(2026, 11, 1, 9, 30);

type Socket = FakeSocket<WatchlistConnState>;
type Reply = AckMessage | ErrorMessage;

let host: FakeHost<WatchlistConnState>;
let core: WatchlistCore;

beforeEach(async () => {
  vi.useFakeTimers({ now: START, toFake: ["Date"] });
  host = new FakeHost(ID);
  core = new WatchlistCore(host);
  await core.start();
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

function request(method: string, body?: unknown): Promise<Response> {
  const init: RequestInit = { method };
  if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
  return core.request(new Request(URL_BASE, init));
}

async function create(body: unknown = {}): Promise<string> {
  const res = await request("POST", body);
  expect(res.status).toBe(201);
  const created = (await res.json()) as { id: string; editKey: string };
  expect(created.id).toBe(ID);
  return created.editKey;
}

async function join(params: Record<string, string> = {}): Promise<Socket> {
  const query = new URLSearchParams(params).toString();
  const socket = host.accept(`/parties/watchlist/${ID}${query ? `?${query}` : ""}`);
  await core.connect(socket, socket.uri);
  return socket;
}

/** Sends a frame and returns the answer that echoes its ref. */
async function edit(socket: Socket, frame: Record<string, unknown>): Promise<Reply> {
  const from = socket.sent.length;
  await core.message(socket, JSON.stringify(frame));
  const reply = socket
    .frames<Reply>(from)
    .find((f) => (f.type === "ack" || f.type === "error") && f.ref === frame.ref);
  if (!reply) throw new Error(`no reply to ${JSON.stringify(frame)}`);
  return reply;
}

const stored = () => host.storage.peek<StoredList>(LIST_KEY);

describe("creating and reading over HTTP", () => {
  it("creates a list whose edit key is kept only as its hash, and reads it back", async () => {
    const editKey = await create({ name: "  Tech  ", symbols: ["AAPL", "MSFT", "AAPL"] });
    expect(editKey).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const res = await request("GET");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      id: ID,
      name: "Tech",
      symbols: ["AAPL", "MSFT"],
      version: 1,
    });
    expect(stored()?.keyHash).toBe(await sha256Hex(editKey));
    expect(JSON.stringify(stored())).not.toContain(editKey);
    expect(stored()?.created).toBe(START);
  });

  it("answers 404 before a list exists, 409 after, and refuses bad bodies creating nothing", async () => {
    expect((await request("GET")).status).toBe(404);
    expect((await request("HEAD")).status).toBe(404);
    for (const bad of ["{nope", "[]", { name: "" }, { symbols: ["aapl"] }]) {
      const res = await request("POST", bad);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "bad_request" } });
    }
    expect(host.storage.keys()).toEqual([]);
    await create({ name: "Mine" });
    const again = await request("POST", { name: "Theirs" });
    expect(again.status).toBe(409);
    expect(stored()?.name).toBe("Mine");
  });

  it("answers preflights and refuses other methods", async () => {
    expect((await request("OPTIONS")).status).toBe(204);
    const put = await request("PUT", { name: "x" });
    expect(put.status).toBe(405);
    expect(await put.json()).toMatchObject({ error: { code: "method_not_allowed" } });
  });

  it("never throws: a failed write is a 500 that shows no internals", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    vi.spyOn(host.storage, "put").mockRejectedValueOnce(new Error("disk on fire"));
    const res = await request("POST", {});
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).toContain("internal_error");
    expect(text).not.toContain("disk on fire");
  });
});

describe("joining", () => {
  it("makes the key holder an editor and everyone else a viewer, with server-given ids", async () => {
    const key = await create({ name: "Roles", symbols: ["AAPL"] });
    const ann = await join({ key, name: " Ann ", _pk: "chosen-by-client" });
    const eve = await join({ key: `${key}x`, name: "Eve" });
    const guest = await join();

    const first = (s: Socket) => s.frames<StateMessage>()[0];
    expect(first(ann)).toMatchObject({
      type: "state",
      v: 1,
      id: ID,
      name: "Roles",
      symbols: ["AAPL"],
      version: 1,
      role: "editor",
      you: { name: "Ann" },
    });
    expect(first(eve)?.role).toBe("viewer");
    expect(first(guest)).toMatchObject({ role: "viewer", you: { name: "Guest" } });
    expect(JSON.stringify(first(ann))).not.toContain("keyHash");

    const you = [ann, eve, guest].map((s) => first(s)?.you);
    expect(new Set(you.map((u) => u?.id)).size).toBe(3);
    expect(new Set(you.map((u) => u?.color)).size).toBe(3);

    // Everyone's latest presence lists all three, with their roles.
    for (const s of [ann, eve, guest]) {
      const { users } = s.last<PresenceMessage>("presence");
      expect(users.map((u) => [u.name, u.role, u.focus])).toEqual([
        ["Ann", "editor", null],
        ["Eve", "viewer", null],
        ["Guest", "viewer", null],
      ]);
    }
  });

  it("closes a socket to a list that does not exist with 4404", async () => {
    const socket = await join();
    expect(socket.closedWith?.code).toBe(4404);
    expect(socket.sent).toEqual([]);
  });

  it("holds a frame sent at once until the key is checked", async () => {
    const key = await create();
    const socket = host.accept(`/parties/watchlist/${ID}?key=${key}`);
    const joined = core.connect(socket, socket.uri);
    const handled = core.message(socket, JSON.stringify({ type: "add", symbol: "NVDA", ref: "r" }));
    await Promise.all([joined, handled]);
    expect(socket.frames().map((f) => f.type)).toEqual(["state", "presence", "state", "ack"]);
    expect(stored()?.symbols).toEqual(["NVDA"]);
  });
});

describe("editing", () => {
  it("stores a change, sends the whole state to everyone, then acks the sender", async () => {
    const key = await create({ symbols: ["AAPL"] });
    const ann = await join({ key, name: "Ann" });
    const cat = await join({ name: "Cat" });
    const annFrom = ann.sent.length;
    const put = vi.spyOn(host.storage, "put");

    expect(await edit(ann, { type: "add", symbol: "MSFT", ref: "a1" })).toEqual({
      type: "ack",
      ref: "a1",
      version: 2,
    });
    expect(put).toHaveBeenCalledTimes(1);
    expect(stored()).toMatchObject({ symbols: ["AAPL", "MSFT"], version: 2 });
    expect(ann.frames(annFrom).map((f) => f.type)).toEqual(["state", "ack"]);
    for (const [socket, role] of [
      [ann, "editor"],
      [cat, "viewer"],
    ] as const) {
      const state = socket.last<StateMessage>("state");
      expect(state).toMatchObject({ symbols: ["AAPL", "MSFT"], version: 2, role });
      expect(state.you).toEqual(socket.frames<StateMessage>()[0]?.you);
    }
  });

  it("acks a repeated intent at the same version, with no write and no new state", async () => {
    const key = await create({ symbols: ["AAPL", "MSFT"] });
    const ann = await join({ key });
    const states = ann.framesOf("state").length;
    const put = vi.spyOn(host.storage, "put");
    expect(await edit(ann, { type: "move", symbol: "MSFT", index: 1, ref: "m" })).toEqual({
      type: "ack",
      ref: "m",
      version: 1,
    });
    expect(put).not.toHaveBeenCalled();
    expect(ann.framesOf("state")).toHaveLength(states);
  });

  it("refuses a viewer's edit, a bad frame and a full list, and changes nothing", async () => {
    const key = await create({ symbols: Array.from({ length: 50 }, (_, i) => `S${i}`) });
    const ann = await join({ key });
    const cat = await join();
    expect(await edit(cat, { type: "remove", symbol: "S1", ref: "c" })).toMatchObject({
      type: "error",
      code: "forbidden",
    });
    expect(await edit(ann, { type: "add", symbol: "ONEMORE", ref: "f" })).toMatchObject({
      type: "error",
      code: "full",
    });
    expect(await edit(ann, { type: "add", symbol: "aapl", ref: "b" })).toMatchObject({
      type: "error",
      code: "bad_message",
    });
    const from = ann.sent.length;
    await core.message(ann, new Uint8Array([1, 2, 3]));
    expect(ann.frames<ErrorMessage>(from)).toMatchObject([{ type: "error", code: "bad_message" }]);
    expect(stored()?.version).toBe(1);
    expect(ann.open && cat.open).toBe(true);
  });

  it("answers a ping with the server's clock", async () => {
    await create();
    const cat = await join();
    await core.message(cat, JSON.stringify({ type: "ping", ref: "p" }));
    expect(cat.last("pong")).toEqual({ type: "pong", ref: "p", serverTime: START });
  });
});

describe("presence", () => {
  it("shows what each person looks at, and who left", async () => {
    const key = await create({ symbols: ["AAPL", "MSFT"] });
    const ann = await join({ key, name: "Ann" });
    const ben = await join({ name: "Ben" });
    await core.message(ben, JSON.stringify({ type: "focus", symbol: "MSFT" }));
    expect(ann.last<PresenceMessage>("presence").users.map((u) => u.focus)).toEqual([null, "MSFT"]);

    host.leave(ben);
    await core.close(ben);
    expect(ann.last<PresenceMessage>("presence").users.map((u) => u.name)).toEqual(["Ann"]);
  });
});

describe("frame limits", () => {
  it("refuses frames past 20 a second, and closes a connection that keeps flooding", async () => {
    await create();
    const cat = await join();
    for (let i = 0; i < 25; i++)
      await core.message(cat, JSON.stringify({ type: "ping", ref: `${i}` }));
    const limited = cat.framesOf<ErrorMessage>("error");
    expect(limited).toHaveLength(5);
    expect(limited[0]).toMatchObject({ code: "rate_limited", ref: "20" });
    expect(cat.open).toBe(true);

    vi.setSystemTime(START + 1000);
    for (let i = 0; i < 61; i++) await core.message(cat, JSON.stringify({ type: "ping" }));
    expect(cat.closedWith?.code).toBe(1008);
  });
});

describe("waking from hibernation", () => {
  it("carries on over the same storage and sockets with a new core", async () => {
    const key = await create({ name: "Survivor", symbols: ["AAPL"] });
    const ann = await join({ key, name: "Ann" });
    const cat = await join({ name: "Cat" });
    await edit(ann, { type: "add", symbol: "NVDA", ref: "1" });
    await core.message(cat, JSON.stringify({ type: "focus", symbol: "NVDA" }));
    const before = [ann, cat].map((s) => s.frames<StateMessage>()[0]?.you);
    // Most of this second's budget, spent before the room sleeps.
    for (let i = 0; i < 18; i++) await core.message(cat, JSON.stringify({ type: "ping" }));

    core = new WatchlistCore(host);
    await core.start();

    // The frame window lives in the socket: the budget does not refill on waking.
    expect(await edit(cat, { type: "rename", name: "Mine", ref: "c" })).toMatchObject({
      code: "forbidden",
    });
    expect(await edit(cat, { type: "rename", name: "Mine", ref: "c2" })).toMatchObject({
      code: "rate_limited",
    });

    expect(await edit(ann, { type: "rename", name: "Still here", ref: "2" })).toEqual({
      type: "ack",
      ref: "2",
      version: 3,
    });
    for (const [i, socket] of [ann, cat].entries()) {
      expect(socket.last<StateMessage>("state")).toMatchObject({
        name: "Still here",
        symbols: ["AAPL", "NVDA"],
        version: 3,
        role: i === 0 ? "editor" : "viewer",
        you: before[i],
      });
    }

    // Presence is rebuilt from the sockets: a newcomer sees both, focus included.
    const dan = await join({ name: "Dan" });
    const { users } = dan.last<PresenceMessage>("presence");
    expect(users.map((u) => [u.name, u.role, u.focus])).toEqual([
      ["Ann", "editor", null],
      ["Cat", "viewer", "NVDA"],
      ["Dan", "viewer", null],
    ]);
    expect(new Set(users.map((u) => u.color)).size).toBe(3);
    const res = await request("GET");
    expect(await res.json()).toMatchObject({ name: "Still here", version: 3 });
  });
});
