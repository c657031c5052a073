/**
 * The watchlist room's core over an in-memory host: what clients see when they create, join,
 * edit, look around, rotate and delete, what a failed write leaves (nothing), and that a core
 * built afresh over the same storage and sockets (a wake-up from hibernation) carries on where
 * the last one stopped.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeHost, type FakeSocket } from "../../../tests/helpers/fake-watchlist-host.ts";
import {
  type AckMessage,
  type ErrorMessage,
  LIMITS,
  PRESENCE_LIMITS,
  type PresenceMessage,
  type RotatedAckMessage,
  type StateMessage,
} from "../../protocol/index.ts";
import { CLIENT_HEADER } from "../edge-headers.ts";
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
  vi.useFakeTimers({ now: START, toFake: ["Date", "setTimeout", "clearTimeout"] });
  host = new FakeHost(ID);
  core = new WatchlistCore(host);
  await core.start();
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

function request(
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  const init: RequestInit = { method, headers };
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

/** The upgrade request of a client; `client` is the key the edge gave it. */
function upgrade(params: Record<string, string> = {}, client?: string): Request {
  const query = new URLSearchParams(params).toString();
  const headers: Record<string, string> = client ? { [CLIENT_HEADER]: client } : {};
  return new Request(`${URL_BASE}${query ? `?${query}` : ""}`, { headers });
}

/** The runtime accepts the socket with the room's tags, then the room hears of it. */
function accept(req: Request): Socket {
  const url = new URL(req.url);
  return host.accept(`${url.pathname}${url.search}`, core.tags(req));
}

async function join(params: Record<string, string> = {}, client?: string): Promise<Socket> {
  const req = upgrade(params, client);
  const socket = accept(req);
  await core.connect(socket, req);
  return socket;
}

/** Lets the presence frame that merges the last changes leave. */
const settle = () => vi.advanceTimersByTimeAsync(PRESENCE_LIMITS.intervalMs);

async function frame(socket: Socket, message: Record<string, unknown>): Promise<void> {
  await core.message(socket, JSON.stringify(message));
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
    await settle();

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
    const req = upgrade({ key });
    const socket = accept(req);
    const joined = core.connect(socket, req);
    const handled = core.message(socket, JSON.stringify({ type: "add", symbol: "NVDA", ref: "r" }));
    await Promise.all([joined, handled]);
    expect(socket.frames().map((f) => f.type)).toEqual([
      "state",
      "activity",
      "presence",
      "state",
      "ack",
      "event",
    ]);
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
    expect(ann.frames(annFrom).map((f) => f.type)).toEqual(["state", "ack", "event"]);
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
    await settle();
    expect(ann.last<PresenceMessage>("presence")).toMatchObject({ count: 2 });
    expect(ann.last<PresenceMessage>("presence").users.map((u) => u.focus)).toEqual([null, "MSFT"]);

    host.leave(ben);
    core.close(ben);
    await settle();
    expect(ann.last<PresenceMessage>("presence").users.map((u) => u.name)).toEqual(["Ann"]);
    expect(ann.last<PresenceMessage>("presence").count).toBe(1);
  });
});

describe("frame limits", () => {
  it("lets a burst of 40 through, refuses the rest, and refills at 20 a second", async () => {
    await create();
    const cat = await join();
    for (let i = 0; i < 100; i++) await frame(cat, { type: "ping", ref: `${i}` });
    const limited = cat.framesOf<ErrorMessage>("error");
    expect(cat.framesOf("pong")).toHaveLength(LIMITS.frameBurst);
    expect(limited).toHaveLength(60);
    expect(limited[0]).toMatchObject({ code: "rate_limited", ref: "40" });
    expect(cat.open).toBe(true);

    vi.setSystemTime(START + 1000);
    for (let i = 0; i < 25; i++) await frame(cat, { type: "ping" });
    expect(cat.framesOf("pong")).toHaveLength(LIMITS.frameBurst + LIMITS.framesPerSecond);
    expect(cat.open).toBe(true);
  });

  it("closes with 1008 only past 100 refusals within 10 s", async () => {
    await create();
    const cat = await join();
    for (let i = 0; i < LIMITS.frameBurst + LIMITS.floodRefusals; i++) {
      await frame(cat, { type: "ping" });
    }
    expect(cat.framesOf("error")).toHaveLength(LIMITS.floodRefusals);
    expect(cat.open).toBe(true);
    await frame(cat, { type: "ping" });
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
    // All of the burst but one frame, spent before the room sleeps.
    for (let i = 0; i < LIMITS.frameBurst - 2; i++) {
      await core.message(cat, JSON.stringify({ type: "ping" }));
    }

    core = new WatchlistCore(host);
    await core.start();

    // The frame budget lives in the socket: it does not refill on waking.
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

describe("the auth frame", () => {
  it("makes a viewer an editor with the right key, with a fresh state", async () => {
    const key = await create({ symbols: ["AAPL"] });
    const ann = await join({ name: "Ann" });
    expect(ann.last<StateMessage>("state").role).toBe("viewer");
    await frame(ann, { type: "auth", key, ref: "k" });
    const state = ann.last<StateMessage>("state");
    expect(state).toMatchObject({ role: "editor", symbols: ["AAPL"], version: 1 });
    expect(state.you).toEqual(ann.frames<StateMessage>()[0]?.you);
    expect(await edit(ann, { type: "add", symbol: "MSFT", ref: "a" })).toMatchObject({
      type: "ack",
      version: 2,
    });
    await settle();
    expect(ann.last<PresenceMessage>("presence").users[0]?.role).toBe("editor");
  });

  it("refuses a wrong key with forbidden and leaves the connection a viewer", async () => {
    const key = await create();
    const eve = await join();
    expect(await edit(eve, { type: "auth", key: `${key}x`, ref: "k" })).toMatchObject({
      type: "error",
      code: "forbidden",
    });
    expect(eve.framesOf("state")).toHaveLength(1);
    expect(await edit(eve, { type: "add", symbol: "MSFT", ref: "a" })).toMatchObject({
      code: "forbidden",
    });
  });

  it("handles frames sent behind it in order, once the key is checked", async () => {
    const key = await create();
    const ann = await join();
    const sent = [
      core.message(ann, JSON.stringify({ type: "auth", key })),
      core.message(ann, JSON.stringify({ type: "add", symbol: "NVDA", ref: "1" })),
      core.message(ann, JSON.stringify({ type: "add", symbol: "AMD", index: 0, ref: "2" })),
    ];
    await Promise.all(sent);
    expect(ann.frames(1).map((f) => f.type)).toEqual([
      "activity",
      "presence",
      "state",
      "state",
      "ack",
      "event",
      "state",
      "ack",
      "event",
    ]);
    expect(stored()?.symbols).toEqual(["AMD", "NVDA"]);
  });
});

describe("rotating the edit key", () => {
  it("gives the sender a new key and makes every other editor a viewer", async () => {
    const oldKey = await create({ symbols: ["AAPL"] });
    const ann = await join({ key: oldKey, name: "Ann" });
    const ben = await join({ name: "Ben" });
    await frame(ben, { type: "auth", key: oldKey });
    const cat = await join({ name: "Cat" });
    const catStates = cat.framesOf("state").length;

    const ack = (await edit(ann, { type: "rotate", ref: "r" })) as RotatedAckMessage;
    expect(ack).toMatchObject({ type: "ack", ref: "r", version: 1 });
    expect(ack.editKey).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(ack.editKey).not.toBe(oldKey);
    expect(stored()?.keyHash).toBe(await sha256Hex(ack.editKey));

    expect(ben.last<StateMessage>("state").role).toBe("viewer");
    expect(cat.framesOf("state")).toHaveLength(catStates);
    expect(await edit(ben, { type: "add", symbol: "MSFT", ref: "b" })).toMatchObject({
      code: "forbidden",
    });
    expect(await edit(ann, { type: "add", symbol: "MSFT", ref: "a" })).toMatchObject({
      type: "ack",
    });

    // The old key opens nothing any more; the new one does.
    expect(await edit(ben, { type: "auth", key: oldKey, ref: "k1" })).toMatchObject({
      code: "forbidden",
    });
    expect((await join({ key: oldKey })).last<StateMessage>("state").role).toBe("viewer");
    await frame(cat, { type: "auth", key: ack.editKey });
    expect(cat.last<StateMessage>("state").role).toBe("editor");
  });

  it("is refused to viewers, and sends the key even without a ref", async () => {
    const key = await create();
    const cat = await join();
    expect(await edit(cat, { type: "rotate", ref: "r" })).toMatchObject({ code: "forbidden" });
    const ann = await join({ key });
    const from = ann.sent.length;
    await frame(ann, { type: "rotate" });
    const [ack] = ann.frames<RotatedAckMessage>(from).filter((f) => f.type === "ack");
    expect(ack?.editKey).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(ack?.ref).toBeUndefined();
  });

  it("keeps the old key when the new one cannot be stored", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const key = await create();
    const ann = await join({ key });
    const ben = await join({ key });
    host.storage.failNextBatch();
    expect(await edit(ann, { type: "rotate", ref: "r" })).toMatchObject({
      type: "error",
      code: "internal_error",
    });
    expect(stored()?.keyHash).toBe(await sha256Hex(key));
    expect(ben.last<StateMessage>("state").role).toBe("editor");
    expect((await join({ key })).last<StateMessage>("state").role).toBe("editor");
  });
});

describe("batch add", () => {
  it("inserts the symbols not yet there, in order, as one change", async () => {
    const key = await create({ symbols: ["AAPL", "MSFT"] });
    const ann = await join({ key });
    const put = vi.spyOn(host.storage, "put");
    expect(
      await edit(ann, {
        type: "add",
        symbols: ["NVDA", "AAPL", "AMD", "NVDA"],
        index: 1,
        ref: "b",
      }),
    ).toEqual({ type: "ack", ref: "b", version: 2 });
    expect(put).toHaveBeenCalledTimes(1);
    expect(stored()?.symbols).toEqual(["AAPL", "NVDA", "AMD", "MSFT"]);
    expect(ann.last<StateMessage>("state")).toMatchObject({ version: 2 });
  });

  it("refuses a batch that would take the list past 50, adding nothing", async () => {
    const key = await create({ symbols: Array.from({ length: 48 }, (_, i) => `S${i}`) });
    const ann = await join({ key });
    expect(
      await edit(ann, { type: "add", symbols: ["S1", "X1", "X2", "X3"], ref: "b" }),
    ).toMatchObject({ type: "error", code: "full" });
    expect(stored()).toMatchObject({ version: 1 });
    expect(stored()?.symbols).toHaveLength(48);
  });
});

describe("store before apply", () => {
  it("shows nobody an edit whose write failed, and builds the next one on the stored list", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const key = await create({ symbols: ["AAPL"] });
    const ann = await join({ key });
    const cat = await join();
    const catFrames = cat.sent.length;
    const annStates = ann.framesOf("state").length;

    host.storage.failNextBatch();
    expect(await edit(ann, { type: "add", symbol: "MSFT", ref: "lost" })).toMatchObject({
      type: "error",
      code: "internal_error",
      ref: "lost",
    });
    expect(ann.framesOf("state")).toHaveLength(annStates);
    expect(cat.sent.slice(catFrames).filter((t) => t.includes('"state"'))).toEqual([]);
    expect(stored()).toMatchObject({ symbols: ["AAPL"], version: 1 });
    expect(await (await request("GET")).json()).toMatchObject({ symbols: ["AAPL"], version: 1 });

    // The room's memory is the stored list: the next edit is version 2, without MSFT.
    expect(await edit(ann, { type: "add", symbol: "NVDA", ref: "next" })).toMatchObject({
      type: "ack",
      version: 2,
    });
    expect(cat.last<StateMessage>("state")).toMatchObject({
      symbols: ["AAPL", "NVDA"],
      version: 2,
    });
  });

  it("creates no list when its first write fails", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    host.storage.failNextBatch();
    expect((await request("POST", { name: "Lost" })).status).toBe(500);
    expect((await request("GET")).status).toBe(404);
    await create({ name: "Second try" });
  });
});

describe("deleting a list", () => {
  it("needs the edit key as a bearer token, in any case of the scheme", async () => {
    const key = await create({ name: "Doomed", symbols: ["AAPL"] });
    for (const authorization of [undefined, `Bearer ${key}x`, `Basic ${key}`, key]) {
      const headers: Record<string, string> = authorization ? { authorization } : {};
      const res = await request("DELETE", undefined, headers);
      expect(res.status, authorization).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: "unauthorized" } });
    }
    expect((await request("GET")).status).toBe(200);
    expect((await request("DELETE", undefined, { authorization: `bEaReR ${key}` })).status).toBe(
      204,
    );
  });

  it("tells everyone, closes every socket with 4404, and keeps only a tombstone", async () => {
    const key = await create({ name: "Doomed", symbols: ["AAPL"] });
    const ann = await join({ key });
    const cat = await join();
    const res = await request("DELETE", undefined, { authorization: `Bearer ${key}` });
    expect(res.status).toBe(204);
    for (const socket of [ann, cat]) {
      expect(socket.frames().at(-1)).toEqual({ type: "deleted" });
      expect(socket.closedWith?.code).toBe(4404);
    }
    expect(JSON.stringify(host.storage.peek(LIST_KEY))).not.toMatch(/Doomed|AAPL|keyHash/);

    const stillGone = async () => {
      expect((await request("GET")).status).toBe(404);
      expect((await request("HEAD")).status).toBe(404);
      expect((await request("POST", { name: "Again" })).status).toBe(409);
      expect((await request("DELETE", undefined, { authorization: `Bearer ${key}` })).status).toBe(
        404,
      );
      expect((await core.admit(upgrade()))?.status).toBe(404);
      const late = await join();
      expect(late.closedWith?.code).toBe(4404);
    };
    await stillGone();
    // And so it stays, after the room restarts.
    core = new WatchlistCore(host);
    await stillGone();
  });
});

describe("presence bounds", () => {
  it("sends the first change at once and merges the next ones into one frame per 200 ms", async () => {
    const key = await create({ symbols: ["AAPL", "MSFT"] });
    const ann = await join({ key, name: "Ann" });
    const ben = await join({ name: "Ben" });
    await settle();
    await vi.advanceTimersByTimeAsync(1000);
    const from = ann.sent.length;
    const presences = () => ann.frames<PresenceMessage>(from).filter((f) => f.type === "presence");

    await frame(ben, { type: "focus", symbol: "AAPL" });
    expect(presences()).toHaveLength(1);
    for (const symbol of ["MSFT", "AAPL", "MSFT"]) await frame(ben, { type: "focus", symbol });
    expect(presences()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(PRESENCE_LIMITS.intervalMs - 1);
    expect(presences()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(presences()).toHaveLength(2);
    expect(presences()[1]?.users.map((u) => u.focus)).toEqual([null, "MSFT"]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(presences()).toHaveLength(2);
  });

  it("lists at most 50 people and counts everyone", async () => {
    await create();
    const sockets: Socket[] = [];
    for (let i = 0; i < 60; i++) sockets.push(await join({ name: `P${i}` }, `client-${i}`));
    await settle();
    const last = sockets[0]?.last<PresenceMessage>("presence");
    expect(last?.count).toBe(60);
    expect(last?.users).toHaveLength(50);
    expect(last?.users.map((u) => u.name)).toEqual(Array.from({ length: 50 }, (_, i) => `P${i}`));
  });
});

describe("sockets per client", () => {
  it("admits a client's sockets up to the cap, then answers 429 with Retry-After", async () => {
    await create();
    for (let i = 0; i < LIMITS.socketsPerClient; i++) {
      expect(await core.admit(upgrade({}, "mallory"))).toBeNull();
      await join({}, "mallory");
    }
    const refused = await core.admit(upgrade({}, "mallory"));
    expect(refused?.status).toBe(429);
    expect(Number(refused?.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused?.json()).toMatchObject({ error: { code: "rate_limited" } });
    // Another client is not affected.
    expect(await core.admit(upgrade({}, "alice"))).toBeNull();
  });

  it("closes a socket over the cap with 1008 right after it opens (no admit under partykit)", async () => {
    await create();
    for (let i = 0; i < LIMITS.socketsPerClient; i++) await join({}, "mallory");
    const over = await join({}, "mallory");
    expect(over.closedWith?.code).toBe(1008);
    expect(over.sent).toEqual([]);
  });

  it("counts nothing when budgets are off", async () => {
    host = new FakeHost(ID, { env: { BUDGETS: "off" } });
    core = new WatchlistCore(host);
    await create();
    for (let i = 0; i < LIMITS.socketsPerClient + 5; i++) await join({}, "loadtest");
    expect(await core.admit(upgrade({}, "loadtest"))).toBeNull();
  });
});

describe("starting", () => {
  it("answers reads without being started, and starts once however often it is asked", async () => {
    await create({ name: "Lazy" });
    const get = vi.spyOn(host.storage, "get");
    core = new WatchlistCore(host);
    const res = await request("GET");
    expect(await res.json()).toMatchObject({ name: "Lazy" });
    await core.start();
    await core.start();
    expect(get).toHaveBeenCalledTimes(1);
  });

  it("writes nothing for a read, a refused create or an upgrade to a missing list", async () => {
    for (const method of ["GET", "HEAD", "OPTIONS"]) await request(method);
    await request("POST", "{nope");
    await request("DELETE", undefined, { authorization: "Bearer x" });
    expect((await core.admit(upgrade()))?.status).toBe(404);
    expect(host.storage.keys()).toEqual([]);
    expect(host.storage.counts.puts).toBe(0);
  });
});
