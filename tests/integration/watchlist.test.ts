/**
 * Watchlist rooms over real sockets against the running server (the Worker, or `partykit dev`
 * under `TEST_RUNTIME=partykit`), driven the way a third-party client written from
 * docs/protocol.md would drive them.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../helpers/server.ts";
import { type Typed, tryUpgrade, WsClient } from "../helpers/ws-client.ts";

type State = Typed<"state"> & {
  v: number;
  id: string;
  name: string;
  symbols: string[];
  version: number;
  role: "editor" | "viewer";
  you: { id: string; name: string; color: string };
};
type PresenceUser = { id: string; name: string; color: string; role: string; focus: string | null };

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

async function create(body: unknown = {}, id = newId()) {
  const res = await fetch(`${server.url}/parties/watchlist/${id}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { id, status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function read(id: string) {
  const res = await fetch(`${server.url}/parties/watchlist/${id}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function join(id: string, params: Record<string, string> = {}) {
  const query = new URLSearchParams(params).toString();
  const client = await WsClient.connect(
    server.wsUrl(`/parties/watchlist/${id}${query ? `?${query}` : ""}`),
  );
  clients.push(client);
  const state = (await client.nextOf("state", WAIT)) as unknown as State;
  return { client, state };
}

/**
 * The first state frame with at least this version, among every frame the client has had:
 * acks and states race, so this does not depend on which came first.
 */
async function stateAt(client: WsClient, version: number): Promise<State> {
  const deadline = Date.now() + WAIT;
  for (;;) {
    const found = (client.all("state") as unknown as State[]).find((s) => s.version >= version);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no state v${version} within ${WAIT} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function reply(client: WsClient, ref: string) {
  const frame = await client.next(
    (d) => {
      const m = d as { type?: string; ref?: string } | undefined;
      return (m?.type === "ack" || m?.type === "error") && m.ref === ref;
    },
    WAIT,
    `reply to ${ref}`,
  );
  return frame.data as {
    type: "ack" | "error";
    ref: string;
    version?: number;
    code?: string;
    message?: string;
  };
}

describe("creating and reading lists over HTTP", () => {
  it("creates a list with an edit key and reads it back", async () => {
    const created = await create({ name: "  Tech  ", symbols: ["AAPL", "MSFT", "AAPL"] });
    expect(created.status).toBe(201);
    expect(created.body.id).toBe(created.id);
    expect(typeof created.body.editKey).toBe("string");
    expect((created.body.editKey as string).length).toBeGreaterThanOrEqual(16);
    expect(await read(created.id)).toEqual({
      status: 200,
      body: { id: created.id, name: "Tech", symbols: ["AAPL", "MSFT"], version: 1 },
    });
  });

  it("gives every list its own edit key", async () => {
    const a = await create();
    const b = await create();
    expect(a.body.editKey).not.toBe(b.body.editKey);
  });

  it("refuses to create a list twice", async () => {
    const first = await create({ name: "Mine" });
    const again = await create({ name: "Theirs" }, first.id);
    expect(again.status).toBe(409);
    expect((await read(first.id)).body.name).toBe("Mine");
  });

  it("keeps the connection usable after refusing a body (409, 405)", async () => {
    // A refusal sent before the body was read made the runtime drop the keep-alive connection,
    // and the client's next request on it failed; repeated so that the race cannot hide.
    const { id } = await create({ name: "Once" });
    for (let i = 0; i < 30; i++) {
      const again = await fetch(`${server.url}/parties/watchlist/${id}`, {
        method: i % 2 === 0 ? "POST" : "PUT",
        body: JSON.stringify({ name: "Twice", symbols: ["AAPL", "MSFT", "NVDA"] }),
      });
      expect(again.status).toBe(i % 2 === 0 ? 409 : 405);
      await again.arrayBuffer();
      expect((await read(id)).status).toBe(200);
    }
  });

  it("answers 404 for a list that does not exist", async () => {
    const res = await read(newId());
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { code: "not_found" } });
  });

  it.each([
    ["too short", "abc"],
    ["bad characters", "abcdefghijklmnop!"],
    ["too long", "a".repeat(65)],
  ])("refuses an id that is %s with 400", async (_why, id) => {
    const made = await create({}, id);
    expect(made.status).toBe(400);
    expect(made.body).toMatchObject({ error: { code: "bad_request" } });
    expect((await fetch(`${server.url}/parties/watchlist/${id}`)).status).toBe(400);
  });

  it.each([
    ["not JSON", "{nope"],
    ["an array", "[]"],
    ["an empty name", { name: "  " }],
    ["a long name", { name: "x".repeat(81) }],
    ["a lower-case symbol", { symbols: ["aapl"] }],
    ["a bad symbol", { symbols: ["A$B"] }],
    ["51 symbols", { symbols: Array.from({ length: 51 }, (_, i) => `S${i}`) }],
  ])("refuses a body with %s, and creates nothing", async (_why, body) => {
    const made = await create(body);
    expect(made.status).toBe(400);
    expect((made.body.error as { message: string }).message.length).toBeGreaterThan(5);
    expect((await read(made.id)).status).toBe(404);
  });
});

describe("connecting", () => {
  it("refuses the upgrade for a missing list with 404 and for a bad id with 400", async () => {
    expect(await tryUpgrade(server.wsUrl(`/parties/watchlist/${newId()}`))).toMatchObject({
      opened: false,
      status: 404,
    });
    expect(await tryUpgrade(server.wsUrl("/parties/watchlist/short"))).toMatchObject({
      opened: false,
      status: 400,
    });
  });

  it("refuses display names that are empty or over 40 characters", async () => {
    const { id } = await create();
    for (const name of ["   ", "n".repeat(41)]) {
      const refusal = await tryUpgrade(
        server.wsUrl(`/parties/watchlist/${id}?name=${encodeURIComponent(name)}`),
      );
      expect(refusal).toMatchObject({ opened: false, status: 400 });
    }
  });

  it("makes the key holder an editor and everyone else a viewer, with server-given ids", async () => {
    const made = await create({ name: "Roles", symbols: ["AAPL"] });
    const key = made.body.editKey as string;
    const editor = await join(made.id, { key, name: "Ann", _pk: "chosen-by-client" });
    const wrongKey = await join(made.id, { key: `${key}x`, name: "Eve" });
    const viewer = await join(made.id, {});
    expect(editor.state).toMatchObject({
      v: 1,
      id: made.id,
      name: "Roles",
      symbols: ["AAPL"],
      version: 1,
    });
    expect(editor.state.role).toBe("editor");
    expect(wrongKey.state.role).toBe("viewer");
    expect(viewer.state.role).toBe("viewer");
    expect(viewer.state.you.name).toBe("Guest");
    expect(editor.state.you.name).toBe("Ann");
    expect(editor.state.you.id).not.toBe("chosen-by-client");
    expect(new Set([editor.state.you.id, wrongKey.state.you.id, viewer.state.you.id]).size).toBe(3);
    expect(editor.state.you.color).toMatch(/^#[0-9a-f]{6}$/i);
  });
});

describe("editing together", () => {
  it("sends every change to everyone as the whole state, acks the sender, refuses viewers", async () => {
    const made = await create({ name: "Shared", symbols: ["AAPL"] });
    const key = made.body.editKey as string;
    const a = await join(made.id, { key, name: "Ann" });
    const b = await join(made.id, { key, name: "Ben" });
    const c = await join(made.id, { name: "Cat" });

    a.client.send(JSON.stringify({ type: "add", symbol: "MSFT", ref: "a1" }));
    expect(await reply(a.client, "a1")).toEqual({ type: "ack", ref: "a1", version: 2 });
    for (const who of [a, b, c]) {
      const s = await stateAt(who.client, 2);
      expect(s.symbols).toEqual(["AAPL", "MSFT"]);
      expect(s.role).toBe(who.state.role);
      expect(s.you).toEqual(who.state.you);
    }

    b.client.send(JSON.stringify({ type: "move", symbol: "MSFT", index: 0, ref: "b1" }));
    expect(await reply(b.client, "b1")).toMatchObject({ type: "ack", version: 3 });
    expect((await stateAt(c.client, 3)).symbols).toEqual(["MSFT", "AAPL"]);

    // The same intent again changes nothing: acked at the same version, no new state.
    b.client.send(JSON.stringify({ type: "move", symbol: "MSFT", index: 0, ref: "b2" }));
    expect(await reply(b.client, "b2")).toMatchObject({ type: "ack", version: 3 });

    c.client.send(JSON.stringify({ type: "remove", symbol: "AAPL", ref: "c1" }));
    expect(await reply(c.client, "c1")).toMatchObject({ type: "error", code: "forbidden" });

    a.client.send(JSON.stringify({ type: "rename", name: "  Renamed  ", ref: "a2" }));
    expect(await reply(a.client, "a2")).toMatchObject({ type: "ack", version: 4 });
    expect((await stateAt(c.client, 4)).name).toBe("Renamed");

    a.client.send(JSON.stringify({ type: "remove", symbol: "AAPL", ref: "a3" }));
    expect(await reply(a.client, "a3")).toMatchObject({ type: "ack", version: 5 });

    expect(await read(made.id)).toEqual({
      status: 200,
      body: { id: made.id, name: "Renamed", symbols: ["MSFT"], version: 5 },
    });
    // Nobody ever saw a state the others did not: the viewer's last state is GET's.
    const last = c.client.all("state").at(-1) as unknown as State;
    expect(last.version).toBe(5);
    expect(last.symbols).toEqual(["MSFT"]);
  });

  it("answers bad edits with an error that echoes the ref and keeps the socket open", async () => {
    const made = await create({ symbols: ["AAPL"] });
    const a = await join(made.id, { key: made.body.editKey as string });
    const cases: [unknown, string, string][] = [
      [{ type: "add", symbol: "aapl", ref: "r1" }, "bad_message", "AAPL"],
      [{ type: "add", symbol: "NOT A SYMBOL", ref: "r2" }, "bad_message", "symbol"],
      [{ type: "move", symbol: "TSLA", index: 0, ref: "r3" }, "not_found", "TSLA"],
      [{ type: "rename", name: "", ref: "r4" }, "bad_message", "name"],
      [{ type: "explode", ref: "r5" }, "bad_message", "explode"],
    ];
    for (const [frame, code, words] of cases) {
      a.client.send(JSON.stringify(frame));
      const r = await reply(a.client, (frame as { ref: string }).ref);
      expect(r).toMatchObject({ type: "error", code });
      expect(r.message).toContain(words);
    }
    a.client.send("not json");
    expect(await a.client.nextOf("error", WAIT)).toMatchObject({ code: "bad_message" });
    expect(a.client.isOpen).toBe(true);
    expect((await read(made.id)).body).toMatchObject({ symbols: ["AAPL"], version: 1 });
  });

  it("holds at most 50 symbols", async () => {
    const symbols = Array.from({ length: 50 }, (_, i) => `S${i}`);
    const made = await create({ symbols });
    const a = await join(made.id, { key: made.body.editKey as string });
    a.client.send(JSON.stringify({ type: "add", symbol: "ONEMORE", ref: "x" }));
    expect(await reply(a.client, "x")).toMatchObject({ type: "error", code: "full" });
    expect((await read(made.id)).body.symbols).toHaveLength(50);
  });

  it("applies size and rate limits as ticker rooms do", async () => {
    const made = await create();
    const a = await join(made.id, { key: made.body.editKey as string });
    a.client.send(JSON.stringify({ type: "rename", name: "x".repeat(5000) }));
    expect(await a.client.nextOf("error", WAIT)).toMatchObject({ code: "too_large" });

    // A burst of 100 frames: the 40 of the burst allowance are handled, 60 refused, and the
    // socket stays open. The bucket refills by one frame every 50 ms while the burst is on its
    // way, which on a busy machine may let one or two more through.
    const b = await join(made.id, {});
    const sentAt = Date.now();
    for (let i = 0; i < 100; i++) b.client.send(JSON.stringify({ type: "ping", ref: `${i}` }));
    await b.client.next(
      () => b.client.all("pong").length + b.client.all("error").length >= 100,
      WAIT,
      "an answer to each of 100 frames",
    );
    const refilled = Math.floor((Date.now() - sentAt) / 50);
    const limited = b.client.all("error");
    expect(limited.every((e) => e.code === "rate_limited")).toBe(true);
    expect(limited.length).toBeLessThanOrEqual(60);
    expect(limited.length).toBeGreaterThanOrEqual(60 - refilled);
    expect(b.client.all("pong").length).toBe(100 - limited.length);
    expect(b.client.isOpen).toBe(true);

    // Only a connection that keeps flooding, past 100 refusals, is closed.
    const flooder = await join(made.id, {});
    for (let i = 0; i < 200; i++) flooder.client.send(JSON.stringify({ type: "ping" }));
    expect((await flooder.client.closed).code).toBe(1008);
    expect(flooder.client.all("error")).toHaveLength(100);
  });
});

describe("presence", () => {
  it("shows who is here, what each looks at, and who left", async () => {
    const made = await create({ symbols: ["AAPL", "MSFT"] });
    const key = made.body.editKey as string;
    const a = await join(made.id, { key, name: "<img src=x onerror=alert(1)>" });
    const b = await join(made.id, { name: "Ben" });

    const users = async (client: WsClient, test: (u: PresenceUser[]) => boolean) => {
      const frame = await client.next(
        (d) =>
          (d as { type?: string })?.type === "presence" &&
          test((d as { users: PresenceUser[] }).users),
        WAIT,
        "presence",
      );
      return (frame.data as { users: PresenceUser[] }).users;
    };

    const both = await users(a.client, (u) => u.length === 2);
    expect(both.map((u) => u.name).sort()).toEqual(["<img src=x onerror=alert(1)>", "Ben"]);
    expect(both.find((u) => u.name === "Ben")).toMatchObject({
      role: "viewer",
      focus: null,
      id: b.state.you.id,
    });
    expect(both.find((u) => u.id === a.state.you.id)).toMatchObject({ role: "editor" });

    b.client.send(JSON.stringify({ type: "focus", symbol: "MSFT" }));
    const focused = await users(a.client, (u) => u.some((x) => x.focus === "MSFT"));
    expect(focused.find((u) => u.id === b.state.you.id)?.focus).toBe("MSFT");

    await b.client.close();
    const alone = await users(a.client, (u) => u.length === 1);
    expect(alone[0]?.id).toBe(a.state.you.id);
  });
});

describe("convergence", () => {
  it("ends every client on GET's state after hundreds of interleaved intents from two editors", async () => {
    const pool = ["AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA", "BRK.B", "JPM", "V"];
    const made = await create({ symbols: pool.slice(0, 4) });
    const key = made.body.editKey as string;
    const a = await join(made.id, { key, name: "A" });
    const b = await join(made.id, { key, name: "B" });
    const viewer = await join(made.id, {});

    // A seeded generator, so that a failure can be replayed.
    let seed = 12345;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const pick = () => pool[rand(pool.length)] as string;
    const intent = (ref: string) => {
      switch (rand(4)) {
        case 0:
          return { type: "add", symbol: pick(), index: rand(12), ref };
        case 1:
          return { type: "remove", symbol: pick(), ref };
        case 2:
          return { type: "move", symbol: pick(), index: rand(12), ref };
        default:
          return { type: "rename", name: `List ${rand(5)}`, ref };
      }
    };

    // Interleaved between the two editors, each staying under 20 frames a second.
    const refs: [WsClient, string][] = [];
    for (let burst = 0; burst < 9; burst++) {
      const sent = new Map([
        [a.client, 0],
        [b.client, 0],
      ]);
      for (let i = 0; i < 36; i++) {
        let who = rand(2) === 0 ? a.client : b.client;
        if ((sent.get(who) ?? 0) >= 18) who = who === a.client ? b.client : a.client;
        sent.set(who, (sent.get(who) ?? 0) + 1);
        const ref = `${burst}-${i}`;
        who.send(JSON.stringify(intent(ref)));
        refs.push([who, ref]);
      }
      await new Promise((r) => setTimeout(r, 1050));
    }
    for (const [who, ref] of refs) {
      const r = await reply(who, ref);
      expect(r.code === undefined || r.code === "not_found", JSON.stringify(r)).toBe(true);
    }

    const truth = (await read(made.id)).body;
    expect(truth.version as number).toBeGreaterThan(20);
    // The last state each client holds is the stored one.
    for (const who of [a, b, viewer]) {
      await stateAt(who.client, truth.version as number);
      const last = who.client.all("state").at(-1) as unknown as State;
      expect({ name: last.name, symbols: last.symbols, version: last.version }).toEqual({
        name: truth.name,
        symbols: truth.symbols,
        version: truth.version,
      });
    }
  });
});

describe("durability", () => {
  it("keeps every acknowledged edit across a kill -9 of the server", async () => {
    const made = await create({ name: "Survivor", symbols: ["AAPL"] });
    const a = await join(made.id, { key: made.body.editKey as string });
    a.client.send(JSON.stringify({ type: "add", symbol: "NVDA", ref: "1" }));
    a.client.send(JSON.stringify({ type: "rename", name: "Still here", ref: "2" }));
    expect(await reply(a.client, "1")).toMatchObject({ type: "ack", version: 2 });
    expect(await reply(a.client, "2")).toMatchObject({ type: "ack", version: 3 });

    await server.kill9();
    await server.restart();

    expect(await read(made.id)).toEqual({
      status: 200,
      body: { id: made.id, name: "Still here", symbols: ["AAPL", "NVDA"], version: 3 },
    });
    // The edit key still works after the restart.
    const again = await join(made.id, { key: made.body.editKey as string });
    expect(again.state.role).toBe("editor");
  });
});
