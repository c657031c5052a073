/**
 * Watchlist rooms tried as an attacker would, over real sockets and HTTP against the running
 * server: each attack gets its clear refusal, and nothing of the list is lost or changed. Also
 * the second edition's features that close those holes (the `auth` frame, `rotate`, `DELETE`,
 * batch `add`, bounded presence), driven as a third-party client would drive them.
 */
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { join as joinPath } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../helpers/server.ts";
import { type Typed, tryUpgrade, WsClient } from "../helpers/ws-client.ts";

type State = Typed<"state"> & {
  id: string;
  name: string;
  symbols: string[];
  version: number;
  role: "editor" | "viewer";
  you: { id: string; name: string; color: string };
};
type Presence = Typed<"presence"> & {
  users: { id: string; name: string; role: string; focus: string | null }[];
  count: number;
};
type Reply = {
  type: "ack" | "error";
  ref?: string;
  version?: number;
  code?: string;
  message?: string;
  editKey?: string;
};

const WAIT = 5000;
const SOCKETS_PER_CLIENT = 20;
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
const listUrl = (id: string, on = server) => `${on.url}/parties/watchlist/${id}`;

async function create(body: unknown = {}, id = newId(), on = server) {
  const res = await fetch(listUrl(id, on), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  return { id, status: res.status, body: json, editKey: json.editKey as string };
}

async function read(id: string, on = server) {
  const res = await fetch(listUrl(id, on));
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function remove(id: string, authorization?: string) {
  const headers: Record<string, string> = authorization ? { authorization } : {};
  return fetch(listUrl(id), { method: "DELETE", headers });
}

function wsPath(id: string, params: Record<string, string> = {}) {
  const query = new URLSearchParams(params).toString();
  return `/parties/watchlist/${id}${query ? `?${query}` : ""}`;
}

async function open(id: string, params: Record<string, string> = {}, on = server) {
  const client = await WsClient.connect(on.wsUrl(wsPath(id, params)));
  clients.push(client);
  return client;
}

async function join(id: string, params: Record<string, string> = {}, on = server) {
  const client = await open(id, params, on);
  const state = (await client.nextOf("state", WAIT)) as unknown as State;
  return { client, state };
}

/** The answer (ack or error) that echoes `ref`, among every frame the client has had. */
async function reply(client: WsClient, ref: string): Promise<Reply> {
  return (await waitFor(client, `reply to ${ref}`, () =>
    client.frames
      .map((f) => f.data as Reply | undefined)
      .find((d) => (d?.type === "ack" || d?.type === "error") && d.ref === ref),
  )) as Reply;
}

/** The first state frame matching `test` among every frame the client has had. */
function stateWhere(client: WsClient, what: string, test: (s: State) => boolean) {
  return waitFor(client, what, () =>
    (client.all("state") as unknown as State[]).find((s) => test(s)),
  );
}

async function waitFor<T>(client: WsClient, what: string, find: () => T | undefined) {
  const deadline = Date.now() + WAIT;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) {
      const tail = client.frames.slice(-3).map((f) => f.text.slice(0, 200));
      throw new Error(`no ${what} within ${WAIT} ms; last frames: ${tail.join(" | ")}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

function send(client: WsClient, frame: Record<string, unknown>) {
  client.send(JSON.stringify(frame));
}

/** The HTTP answer to a WebSocket upgrade that is refused, headers included. */
function upgradeResponse(url: string): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url.replace(/^ws/, "http"), {
      headers: {
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-key": randomBytes(16).toString("base64"),
        "sec-websocket-version": "13",
      },
      timeout: WAIT,
    });
    req.once("response", (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.once("upgrade", (_res, socket) => {
      socket.destroy();
      reject(new Error(`the upgrade to ${url} was accepted`));
    });
    req.once("timeout", () => req.destroy(new Error(`no answer to the upgrade on ${url}`)));
    req.once("error", reject);
    req.end();
  });
}

/** Waits for the runtime to put a write on disk (its log is written as the write commits). */
async function waitForWrite(before: Map<string, string>): Promise<void> {
  const deadline = Date.now() + WAIT;
  while (writtenSince(before).length === 0) {
    if (Date.now() > deadline) throw new Error(`no storage written within ${WAIT} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every file under the server's storage dir, by path. */
function storageFiles(): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = joinPath(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.set(path, path.slice(server.persist.length));
    }
  };
  walk(server.persist);
  return out;
}

/**
 * The SQLite files that appeared since `before` and hold rows. A runtime opens (and so
 * creates) an object's database when the object first runs, and the older one under
 * `partykit dev` creates its empty key-value table too; neither is data. A row is a cell on a
 * b-tree page other than the first (which holds the schema), in the database or in its log.
 */
function writtenSince(before: Map<string, string>): string[] {
  const written: string[] = [];
  for (const [path, name] of storageFiles()) {
    if (before.has(path)) continue;
    const bytes = readFileSync(path);
    const rows = path.endsWith(".sqlite-wal")
      ? walRows(bytes)
      : path.endsWith(".sqlite")
        ? databaseRows(bytes)
        : 0;
    if (rows > 0) written.push(`${name} (${rows} rows)`);
  }
  return written;
}

/** Cells on one b-tree page (table or index, leaf or interior); 0 for any other page. */
function cellsOn(page: Buffer): number {
  return [0x02, 0x05, 0x0a, 0x0d].includes(page[0] ?? 0) ? page.readUInt16BE(3) : 0;
}

function databaseRows(db: Buffer): number {
  if (db.length < 100) return 0;
  const size = db.readUInt16BE(16) === 1 ? 65536 : db.readUInt16BE(16);
  let rows = 0;
  for (let at = size; at + size <= db.length; at += size)
    rows += cellsOn(db.subarray(at, at + size));
  return rows;
}

function walRows(wal: Buffer): number {
  if (wal.length < 32) return 0;
  const size = wal.readUInt32BE(8);
  let rows = 0;
  for (let at = 32; at + 24 + size <= wal.length; at += 24 + size) {
    if (wal.readUInt32BE(at) !== 1) rows += cellsOn(wal.subarray(at + 24, at + 24 + size));
  }
  return rows;
}

describe("the edit key travels in a frame, not in a URL", () => {
  it("makes a connection an editor on auth with the right key, with a fresh state", async () => {
    const made = await create({ name: "Keys", symbols: ["AAPL"] });
    const ann = await join(made.id, { name: "Ann" });
    expect(ann.state.role).toBe("viewer");
    // The key first, an edit right behind it: the edit waits for the key check.
    send(ann.client, { type: "auth", key: made.editKey });
    send(ann.client, { type: "add", symbol: "MSFT", ref: "a1" });
    const editor = await stateWhere(ann.client, "editor state", (s) => s.role === "editor");
    expect(editor).toMatchObject({ symbols: ["AAPL"], version: 1, you: ann.state.you });
    expect(await reply(ann.client, "a1")).toMatchObject({ type: "ack", version: 2 });
    expect((await read(made.id)).body).toMatchObject({ symbols: ["AAPL", "MSFT"], version: 2 });
  });

  it("refuses a wrong key with forbidden and leaves the connection a viewer", async () => {
    const made = await create({ symbols: ["AAPL"] });
    const eve = await join(made.id, { name: "Eve" });
    send(eve.client, { type: "auth", key: `${made.editKey}x`, ref: "k" });
    expect(await reply(eve.client, "k")).toMatchObject({ type: "error", code: "forbidden" });
    send(eve.client, { type: "remove", symbol: "AAPL", ref: "r" });
    expect(await reply(eve.client, "r")).toMatchObject({ type: "error", code: "forbidden" });
    expect(eve.client.all("state")).toHaveLength(1);
    expect((await read(made.id)).body).toMatchObject({ symbols: ["AAPL"], version: 1 });
  });
});

describe("rotating the edit key", () => {
  it("hands the sender a new key, makes every other editor a viewer, and voids old links", async () => {
    const made = await create({ name: "Shared", symbols: ["AAPL"] });
    const oldKey = made.editKey;
    const ann = await join(made.id, { name: "Ann" });
    send(ann.client, { type: "auth", key: oldKey });
    await stateWhere(ann.client, "Ann an editor", (s) => s.role === "editor");
    const ben = await join(made.id, { key: oldKey, name: "Ben" });
    expect(ben.state.role).toBe("editor");
    const cat = await join(made.id, { name: "Cat" });

    send(ann.client, { type: "rotate", ref: "rot" });
    const ack = await reply(ann.client, "rot");
    expect(ack).toMatchObject({ type: "ack", version: 1 });
    expect(ack.editKey).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(ack.editKey).not.toBe(oldKey);
    const newKey = ack.editKey as string;

    const demoted = await stateWhere(ben.client, "Ben a viewer", (s) => s.role === "viewer");
    expect(demoted).toMatchObject({ symbols: ["AAPL"], version: 1, you: ben.state.you });
    send(ben.client, { type: "add", symbol: "MSFT", ref: "b" });
    expect(await reply(ben.client, "b")).toMatchObject({ type: "error", code: "forbidden" });
    send(ann.client, { type: "add", symbol: "NVDA", ref: "a" });
    expect(await reply(ann.client, "a")).toMatchObject({ type: "ack", version: 2 });
    expect(cat.client.all("state").every((s) => s.role === "viewer")).toBe(true);

    // Old edit links stop working, in a frame, in a URL and for DELETE; the new key works.
    send(ben.client, { type: "auth", key: oldKey, ref: "old" });
    expect(await reply(ben.client, "old")).toMatchObject({ type: "error", code: "forbidden" });
    expect((await join(made.id, { key: oldKey })).state.role).toBe("viewer");
    const refused = await remove(made.id, `Bearer ${oldKey}`);
    expect(refused.status).toBe(401);
    await refused.arrayBuffer();
    send(cat.client, { type: "auth", key: newKey });
    await stateWhere(cat.client, "Cat an editor", (s) => s.role === "editor");

    expect((await read(made.id)).body).toMatchObject({ symbols: ["AAPL", "NVDA"], version: 2 });
  });

  it("is refused to viewers, leaving the key as it was", async () => {
    const made = await create();
    const cat = await join(made.id);
    send(cat.client, { type: "rotate", ref: "r" });
    expect(await reply(cat.client, "r")).toMatchObject({ type: "error", code: "forbidden" });
    expect((await join(made.id, { key: made.editKey })).state.role).toBe("editor");
  });
});

describe("deleting a list", () => {
  it("refuses anyone without the edit key with 401, and changes nothing", async () => {
    const made = await create({ name: "Keep", symbols: ["AAPL"] });
    const watcher = await join(made.id);
    for (const authorization of [undefined, `Bearer ${made.editKey}x`, `Basic ${made.editKey}`]) {
      const res = await remove(made.id, authorization);
      expect(res.status, authorization).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: "unauthorized" } });
    }
    expect(await read(made.id)).toMatchObject({
      status: 200,
      body: { name: "Keep", symbols: ["AAPL"], version: 1 },
    });
    expect(watcher.client.isOpen).toBe(true);
    expect(watcher.client.all("deleted")).toEqual([]);
  });

  it("with the key: 204, and everyone hears it and is closed with 4404", async () => {
    const made = await create({ name: "Doomed", symbols: ["AAPL"] });
    const ann = await join(made.id, { key: made.editKey });
    const cat = await join(made.id);
    const closed = Promise.all([ann.client.closed, cat.client.closed]);

    // The scheme is case-insensitive, as HTTP has it.
    const res = await remove(made.id, `bearer ${made.editKey}`);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    for (const who of [ann, cat]) {
      expect(await who.client.nextOf("deleted", WAIT)).toMatchObject({ type: "deleted" });
    }
    // The close frame leaves at once; the local runtime ends the TCP connection of a socket
    // closed outside its own events only when the room next sleeps, some 10 s later.
    for (const { code } of await closed) expect(code).toBe(4404);
    for (const who of [ann, cat])
      expect(who.client.frames.at(-1)?.data).toEqual({ type: "deleted" });
  });

  it("leaves a tombstone: GET 404, the id never created again, upgrades refused, also after a restart", async () => {
    const made = await create({ name: "Doomed", symbols: ["AAPL"] });
    const res = await remove(made.id, `Bearer ${made.editKey}`);
    expect(res.status).toBe(204);
    await res.arrayBuffer();
    const gone = async () => {
      expect(await read(made.id)).toMatchObject({
        status: 404,
        body: { error: { code: "not_found" } },
      });
      expect((await create({ name: "Squatter" }, made.id)).status).toBe(409);
      expect(await tryUpgrade(server.wsUrl(wsPath(made.id)))).toMatchObject({
        opened: false,
        status: 404,
      });
      const again = await remove(made.id, `Bearer ${made.editKey}`);
      expect(again.status).toBe(404);
      await again.arrayBuffer();
    };
    await gone();
    await server.kill9();
    await server.restart();
    await gone();
  });
});

describe("batch add", () => {
  it("adds the symbols not yet there, in order, as one version everyone sees once", async () => {
    const made = await create({ symbols: ["AAPL", "MSFT"] });
    const ann = await join(made.id, { key: made.editKey });
    const cat = await join(made.id);
    send(ann.client, {
      type: "add",
      symbols: ["NVDA", "AAPL", "AMD", "NVDA", "TSLA"],
      index: 1,
      ref: "batch",
    });
    expect(await reply(ann.client, "batch")).toEqual({ type: "ack", ref: "batch", version: 2 });
    const seen = await stateWhere(cat.client, "state v2", (s) => s.version === 2);
    expect(seen.symbols).toEqual(["AAPL", "NVDA", "AMD", "TSLA", "MSFT"]);
    expect(cat.client.all("state").map((s) => s.version)).toEqual([1, 2]);

    // The one-symbol form keeps working.
    send(ann.client, { type: "add", symbol: "META", ref: "one" });
    expect(await reply(ann.client, "one")).toMatchObject({ type: "ack", version: 3 });
    expect((await read(made.id)).body.symbols).toEqual([
      "AAPL",
      "NVDA",
      "AMD",
      "TSLA",
      "MSFT",
      "META",
    ]);
  });

  it("refuses a batch that would take the list past 50 with full, applying none of it", async () => {
    const symbols = Array.from({ length: 48 }, (_, i) => `S${i}`);
    const made = await create({ symbols });
    const ann = await join(made.id, { key: made.editKey });
    send(ann.client, { type: "add", symbols: ["S0", "X1", "X2", "X3"], ref: "over" });
    expect(await reply(ann.client, "over")).toMatchObject({ type: "error", code: "full" });
    send(ann.client, {
      type: "add",
      symbols: Array.from({ length: 51 }, (_, i) => `Y${i}`),
      ref: "big",
    });
    expect(await reply(ann.client, "big")).toMatchObject({ type: "error", code: "bad_message" });
    expect((await read(made.id)).body).toMatchObject({ symbols, version: 1 });
  });
});

describe("presence under a crowd", () => {
  it("50 viewers moving for 5 s get at most five presence frames a second each, and the last one is right", async () => {
    const made = await create({ symbols: ["AAPL", "MSFT", "NVDA"] });
    const observer = await join(made.id, { key: made.editKey, name: "Observer" });
    const viewers: WsClient[] = [];
    for (let i = 0; i < 50; i++) viewers.push((await join(made.id, { name: `V${i}` })).client);
    const everyone = [observer.client, ...viewers];
    // Quiet first, so that the count starts after the joins' frames.
    await waitFor(observer.client, "presence of 51", () =>
      (observer.client.all("presence") as unknown as Presence[]).find((p) => p.count === 51),
    );
    await new Promise((r) => setTimeout(r, 300));
    const from = everyone.map((c) => c.frames.length);
    const bytes = () =>
      everyone.reduce((sum, c, i) => {
        return sum + c.frames.slice(from[i]).reduce((n, f) => n + Buffer.byteLength(f.text), 0);
      }, 0);

    // Every viewer moves 20 times a second (the most its frame budget allows), for 5 s.
    const symbols = ["AAPL", "MSFT", "NVDA"];
    const started = Date.now();
    let tick = 0;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        tick++;
        for (const v of viewers) send(v, { type: "focus", symbol: symbols[tick % 3] as string });
        if (Date.now() - started >= 5000) {
          clearInterval(timer);
          resolve();
        }
      }, 50);
    });
    const last = symbols[tick % 3];
    // The merged frame after the last move says where everyone ended up.
    const final = (await waitFor(observer.client, "the final presence", () =>
      (observer.client.all("presence") as unknown as Presence[]).find(
        (p, i, all) =>
          i === all.length - 1 &&
          p.users.filter((u) => u.name.startsWith("V")).every((u) => u.focus === last),
      ),
    )) as Presence;
    const elapsed = Date.now() - started;
    expect(final.count).toBe(51);
    expect(final.users).toHaveLength(50);

    const bound = Math.ceil(elapsed / 200) + 1;
    for (const [i, c] of everyone.entries()) {
      const presences = c.frames
        .slice(from[i])
        .filter((f) => (f.data as Typed<string>)?.type === "presence");
      expect(presences.length, `client ${i}`).toBeLessThanOrEqual(bound);
      expect(c.all("error")).toEqual([]);
    }
    // It used to be about 93 MB: every move sent the whole list to everyone.
    expect(bytes()).toBeLessThan(10 * 1024 * 1024);
    console.info(`presence flood: ${(bytes() / 1e6).toFixed(1)} MB to 51 sockets in ${elapsed} ms`);
  });
});

describe("names", () => {
  it("refuses a display name with a right-to-left override and a zero-width space with 400", async () => {
    const made = await create();
    for (const name of ["\u202Eecila\u200B", "Ann\u0000", "Ann\u2066"]) {
      expect(
        await tryUpgrade(server.wsUrl(wsPath(made.id, { name }))),
        JSON.stringify(name),
      ).toMatchObject({ opened: false, status: 400, body: { error: { code: "bad_request" } } });
    }
  });

  it("normalises display names to NFC", async () => {
    const made = await create();
    const zoe = await join(made.id, { name: "Zoe\u0301" });
    expect(zoe.state.you.name).toBe("Zo\u00e9");
  });

  it("applies the same rule to list names, on create and on rename", async () => {
    const refused = await create({ name: "\u202Eecila\u200B" });
    expect(refused.status).toBe(400);
    expect((await read(refused.id)).status).toBe(404);

    const made = await create({ name: "Plain" });
    const ann = await join(made.id, { key: made.editKey });
    send(ann.client, { type: "rename", name: "Pl\u200Bain", ref: "r" });
    expect(await reply(ann.client, "r")).toMatchObject({ type: "error", code: "bad_message" });
    expect((await read(made.id)).body).toMatchObject({ name: "Plain", version: 1 });
  });
});

describe("list ids", () => {
  it.each([
    ["one character repeated", "aaaaaaaaaaaaaaaa"],
    ["two characters alternating", "abababababababababab"],
    ["a straight run", "abcdefghijklmnop"],
    ["a run down", "zyxwvutsrqponmlk"],
  ])("refuses a guessable id (%s) with 400, creating nothing", async (_why, id) => {
    // No body: the refusal comes before any room, and the edge leaves a body there unread.
    const made = await create("", id);
    expect(made.status).toBe(400);
    expect(made.body).toMatchObject({ error: { code: "bad_request" } });
    expect((await read(id)).status).toBe(400);
    expect(await tryUpgrade(server.wsUrl(wsPath(id)))).toMatchObject({
      opened: false,
      status: 400,
    });
  });

  it("refuses a percent-encoded spelling of a list's id, leaving the list alone", async () => {
    const made = await create({ name: "Real" });
    const alias = `%${made.id.charCodeAt(0).toString(16).toUpperCase()}${made.id.slice(1)}`;
    expect((await read(alias)).status).toBe(400);
    expect((await create("", alias)).status).toBe(400);
    expect(await tryUpgrade(server.wsUrl(wsPath(alias)))).toMatchObject({
      opened: false,
      status: 400,
    });
    const res = await remove(alias, `Bearer ${made.editKey}`);
    expect(res.status).toBe(400);
    await res.arrayBuffer();
    expect((await read(made.id)).body).toMatchObject({ name: "Real", version: 1 });
  });
});

describe("reads never create storage", () => {
  it("sees what a list's creation writes (so that the check below can fail)", async () => {
    const before = storageFiles();
    expect((await create({ name: "Written" })).status).toBe(201);
    await waitForWrite(before);
  });

  it("writes nothing for reads, refused writes and refused upgrades of a list that does not exist", async () => {
    const before = storageFiles();
    const id = newId();
    for (const method of ["GET", "HEAD", "OPTIONS"]) {
      const res = await fetch(listUrl(id), { method });
      await res.arrayBuffer();
    }
    expect((await create("{nope", id)).status).toBe(400);
    const res = await remove(id, "Bearer nothing");
    expect(res.status).toBe(404);
    await res.arrayBuffer();
    expect(await tryUpgrade(server.wsUrl(wsPath(id)))).toMatchObject({
      opened: false,
      status: 404,
    });
    expect(writtenSince(before)).toEqual([]);
  });
});

describe("sockets per client", () => {
  let capped: TestServer;

  beforeAll(async () => {
    capped = await startServer({ env: { BUDGETS: "on" } });
  });

  afterAll(async () => {
    await capped?.dispose();
  });

  it(`holds one client to ${SOCKETS_PER_CLIENT} sockets in one list`, async () => {
    const made = await create({ name: "Capped" }, newId(), capped);
    const other = await create({ name: "Elsewhere" }, newId(), capped);
    const held: WsClient[] = [];
    for (let i = 0; i < SOCKETS_PER_CLIENT; i++) {
      held.push((await join(made.id, {}, capped)).client);
    }

    const url = capped.wsUrl(wsPath(made.id));
    if (capped.runtime === "worker") {
      const refusal = await tryUpgrade(url);
      expect(refusal).toMatchObject({
        opened: false,
        status: 429,
        body: { error: { code: "rate_limited" } },
      });
    } else {
      // partykit dev's upgrades reach no room before the socket opens: it is closed at once.
      const over = await open(made.id, {}, capped);
      expect((await over.closed).code).toBe(1008);
      expect(over.all("state")).toEqual([]);
    }
    expect(held.every((c) => c.isOpen)).toBe(true);
    // The cap is per list, and a closed socket frees its place.
    await join(other.id, {}, capped);
    await held[0]?.close();
    const deadline = Date.now() + WAIT;
    for (;;) {
      const client = await WsClient.connect(url).catch(() => null);
      const state = client ? await client.nextOf("state", 1000).catch(() => null) : null;
      if (client && state) {
        clients.push(client);
        break;
      }
      await client?.close();
      if (Date.now() > deadline) throw new Error("the freed socket's place never came back");
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await read(made.id, capped)).body).toMatchObject({ name: "Capped", version: 1 });
  });

  it("answers the refusal with Retry-After", async () => {
    if (capped.runtime !== "worker") return;
    const made = await create({}, newId(), capped);
    for (let i = 0; i < SOCKETS_PER_CLIENT; i++) await join(made.id, {}, capped);
    const refused = await upgradeResponse(capped.wsUrl(wsPath(made.id)));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
  });
});
