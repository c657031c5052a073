/**
 * The ticker room tried as an attacker would, over real sockets and HTTP against the running
 * server with its default settings (budgets on): held and slow push bodies, out-of-range ticks,
 * alias spellings of a room, reads that would create rooms, and one client taking a room's
 * sockets or opening room after room. Each attack gets a clear refusal, and nothing anyone else
 * relies on is lost or changed.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/settings.ts";
import { type FakeExchange, startFakeExchange } from "../fakes/fake-exchange.ts";
import { RUNTIME, startServers, type TestServer } from "../helpers/server.ts";
import {
  expectHttpError,
  expectQuote,
  expectSnapshot,
  getSnapshot,
  push,
  request,
  type Snapshot,
  type Tick,
} from "../helpers/ticker-wire.ts";
import { isType, tryUpgrade, WsClient } from "../helpers/ws-client.ts";

const TOKEN = "attack-token";
/** How much later than at once an anonymous push's 401 may come: the room waits at most a
 * second for the rest of a small body, so that a client's connection survives the refusal. */
const PROMPT_MS = 2500;

/** partykit itself reads the repo's .env, so a token there would arm the "no token" server. */
const dotEnvToken = (() => {
  const file = join(ROOT, ".env");
  return existsSync(file) && Boolean(parseEnv(readFileSync(file, "utf8")).INGEST_TOKEN);
})();

let server: TestServer;
let noToken: TestServer;
let binance: FakeExchange;
const clients: WsClient[] = [];

beforeAll(async () => {
  binance = await startFakeExchange({ dialect: "binance" });
  const budgets = { BUDGETS: "on" };
  [server, noToken] = await startServers(
    {
      env: {
        ...budgets,
        INGEST_TOKEN: TOKEN,
        // Rooms that cost nothing to create, for the budget of new rooms.
        FEEDS: "*-USDT=binance",
        BINANCE_WS_URL: binance.url,
      },
    },
    { env: budgets },
  );
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await Promise.all([server?.dispose(), noToken?.dispose()]);
  await binance?.close();
});

async function watch(symbol: string): Promise<WsClient> {
  const client = await WsClient.connect(server.wsUrl(`/parties/ticker/${symbol}`), 10_000);
  clients.push(client);
  return client;
}

/** Another client than the tests' own: the address the edge keys its budgets on. */
const from = (address: string) => ({ "CF-Connecting-IP": address });

function ticksAt(start: number, count: number, price = 500): Tick[] {
  return Array.from({ length: count }, (_, i): Tick => [start + i * 10, price + i, 1 + i]);
}

async function pushOk(symbol: string, ticks: Tick[]): Promise<{ accepted: number; seq: number }> {
  const reply = await push(server.url, symbol, { ticks }, TOKEN);
  expect(reply.status, reply.text).toBe(200);
  return reply.body as { accepted: number; seq: number };
}

/** What a refused request must leave alone. */
function stateOf(s: Snapshot) {
  return { source: s.source, seq: s.seq, quote: s.quote, candles: s.candles, ticks: s.ticks };
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP, for requests no well-behaved client library would send

type Answer = { status: number; ms: number; body: unknown };

/**
 * A push whose head is sent with the first 9 bytes of its body, and then held: `Content-Length`
 * promises 100 bytes, or a chunked body never sends its last chunk. Resolves with the answer,
 * whenever it comes.
 */
function heldPush(
  target: TestServer,
  symbol: string,
  options: { authorization?: string; chunked?: boolean },
): { answer: Promise<Answer>; close(): void } {
  const started = Date.now();
  const socket = connect(target.port, "127.0.0.1");
  const head = [
    `POST /parties/ticker/${symbol} HTTP/1.1`,
    `Host: 127.0.0.1:${target.port}`,
    "Content-Type: application/json",
    options.chunked ? "Transfer-Encoding: chunked" : "Content-Length: 100",
  ];
  if (options.authorization) head.push(`Authorization: ${options.authorization}`);
  const start = '{"ticks":';
  socket.write(`${head.join("\r\n")}\r\n\r\n${options.chunked ? `9\r\n${start}\r\n` : start}`);
  const answer = new Promise<Answer>((resolve, reject) => {
    let text = "";
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString("utf8");
      const end = text.indexOf("\r\n\r\n");
      if (end < 0) return;
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end))?.[1] ?? 0);
      const body = text.slice(end + 4);
      if (Buffer.byteLength(body) < length) return;
      resolve({ status, ms: Date.now() - started, body: length > 0 ? JSON.parse(body) : null });
    });
    socket.on("error", reject);
    socket.on("close", () => reject(new Error(`closed without an answer: ${text.slice(0, 200)}`)));
  });
  return { answer, close: () => socket.destroy() };
}

/** The attack holds its connection open for this long before the next request is sent. */
const hold = () => new Promise((resolve) => setTimeout(resolve, 300));

describe("held and slow push bodies", () => {
  it.each([
    ["a Content-Length it never fills", false],
    ["a chunked body without its last chunk", true],
  ])(
    "answers an anonymous push with %s with 401 at once, and holds no other push",
    async (_what, chunked) => {
      const symbol = chunked ? "HELDCHUNK" : "HELDLEN";
      const first = await pushOk(symbol, ticksAt(Date.now() - 5000, 2));
      const held = heldPush(server, symbol, { chunked });
      try {
        await hold();
        const sent = Date.now();
        const next = await push(server.url, symbol, { ticks: ticksAt(Date.now(), 1) }, TOKEN);
        expect(next.status, next.text).toBe(200);
        expect(Date.now() - sent, "the authorised push behind it").toBeLessThan(1000);
        expect(next.body).toEqual({ accepted: 1, seq: first.seq + 1 });

        const refused = await held.answer;
        expect(refused.status).toBe(401);
        expect(refused.ms).toBeLessThan(PROMPT_MS);
        expect(expectHttpError(refused.body).code).toBe("unauthorized");
      } finally {
        held.close();
      }
      expect((await getSnapshot(server.url, symbol)).seq).toBe(first.seq + 1);
    },
  );

  it("answers an authorised push whose body stalls with 408, applying nothing, and holds no other", async () => {
    const symbol = "HELDSLOW";
    const first = await pushOk(symbol, ticksAt(Date.now() - 5000, 2));
    const held = heldPush(server, symbol, { authorization: `Bearer ${TOKEN}` });
    try {
      await hold();
      const sent = Date.now();
      const next = await push(server.url, symbol, { ticks: ticksAt(Date.now(), 1) }, TOKEN);
      expect(next.status, next.text).toBe(200);
      expect(Date.now() - sent).toBeLessThan(1000);

      const late = await held.answer;
      expect(late.status).toBe(408);
      expect(late.ms).toBeGreaterThanOrEqual(9_000);
      expect(late.ms).toBeLessThan(15_000);
      expect(expectHttpError(late.body).code).toBe("timeout");
    } finally {
      held.close();
    }
    const after = await getSnapshot(server.url, symbol);
    expect(after.seq).toBe(first.seq + 1);
    expect(after.ticks).toHaveLength(3);
  }, 30_000);

  it("takes the token's scheme in any case", async () => {
    const reply = await request(`${server.url}/parties/ticker/BEARERCASE`, {
      method: "POST",
      headers: { authorization: `bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ ticks: ticksAt(Date.now() - 1000, 1) }),
    });
    expect(reply.status, reply.text).toBe(200);
  });
});

describe("push bounds", () => {
  it("refuses a push with its time in microseconds, and takes the correct pushes after it", async () => {
    const symbol = "MICROS";
    const first = await pushOk(symbol, ticksAt(Date.now() - 5000, 3));
    const before = await getSnapshot(server.url, symbol);
    const micro = await push(server.url, symbol, { ticks: [[Date.now() * 1000, 501, 1]] }, TOKEN);
    expect(micro.status, micro.text).toBe(400);
    expect(expectHttpError(micro.body).message).toMatch(/^tick 0: .*ahead of the server's clock/);
    expect(stateOf(await getSnapshot(server.url, symbol))).toEqual(stateOf(before));

    const later = ticksAt(Date.now(), 2, 600);
    const next = await pushOk(symbol, later);
    expect(next.seq).toBe(first.seq + 2);
    expect((await getSnapshot(server.url, symbol)).ticks.slice(-2)).toEqual(later);
  });

  it("refuses ticks that would overflow the volume, and the quote keeps its numbers", async () => {
    const symbol = "HUGE";
    await pushOk(symbol, ticksAt(Date.now() - 5000, 2));
    const watcher = await watch(symbol);
    await watcher.nextOf("snapshot", 10_000);
    const before = await getSnapshot(server.url, symbol);
    const t = Date.now();
    const overflow = `{"ticks": [[${t}, 1e308, 1e308], [${t}, 1e-320, 1e308]]}`;
    const reply = await push(server.url, symbol, overflow, TOKEN);
    expect(reply.status, reply.text).toBe(400);
    expect(expectHttpError(reply.body).message).toMatch(/^tick 0: price/);
    for (const [what, ticks, index] of [
      ["a price over 1e9", [[t, 1e9 * 1.01, 1]], 0],
      [
        "a size over 1e12",
        [
          [t, 10, 1],
          [t, 10, 2e12],
        ],
        1,
      ],
    ] as const) {
      const refused = await push(server.url, symbol, { ticks }, TOKEN);
      expect(refused.status, what).toBe(400);
      expect(expectHttpError(refused.body).message, what).toMatch(new RegExp(`^tick ${index}: `));
    }
    expect(stateOf(await getSnapshot(server.url, symbol))).toEqual(stateOf(before));

    // The bounds themselves are taken, and the quote stays a quote.
    await pushOk(symbol, [[t, 1e9, 1e12]]);
    const after = await getSnapshot(server.url, symbol);
    expectQuote(after.quote);
    expect(after.quote?.volume).toBeGreaterThanOrEqual(1e12);
    const frame = await watcher.next(
      (data) => isType(data, "ticks") && (data.ticks as Tick[]).some((x) => x[1] === 1e9),
      5000,
      "the ticks frame of the push",
    );
    expectQuote((frame.data as { quote: unknown }).quote);
    for (const f of watcher.frames) expect(f.text).not.toContain("null");
  });
});

describe("resetting a pushed room", () => {
  const reset = (target: TestServer, symbol: string, authorization?: string) =>
    request(`${target.url}/parties/ticker/${symbol}`, {
      method: "DELETE",
      headers: authorization === undefined ? {} : { authorization },
    });

  it("unblocks a room a tick from the future held, and starts it over simulated for its watchers", async () => {
    const symbol = "FUTURE";
    const watcher = await watch(symbol);
    const sim = expectSnapshot(await watcher.nextOf("snapshot", 10_000), { symbol, source: "sim" });
    // As far ahead as a push may go: every push of the next minute is refused after it.
    const ahead = await pushOk(symbol, [[Date.now() + 55_000, 777, 1]]);
    expect(ahead.seq).toBeGreaterThan(sim.seq);
    const pushed = await watcher.next(
      (data) => isType(data, "snapshot") && data.source === "push",
      5000,
      "the push snapshot",
    );
    expect(pushed.data).toMatchObject({ seq: ahead.seq });
    const blocked = await push(server.url, symbol, { ticks: ticksAt(Date.now(), 1) }, TOKEN);
    expect(blocked.status).toBe(400);

    for (const authorization of [undefined, "Bearer wrong", TOKEN]) {
      const refused = await reset(server, symbol, authorization);
      expect(refused.status, String(authorization)).toBe(401);
      expectHttpError(refused.body);
    }
    expect((await getSnapshot(server.url, symbol)).source).toBe("push");

    const done = await reset(server, symbol, `bearer ${TOKEN}`);
    expect(done.status, done.text).toBe(204);
    const fresh = await watcher.next(
      (data) => isType(data, "snapshot") && data.source === "sim",
      5000,
      "a fresh simulated snapshot",
    );
    const snapshot = expectSnapshot(fresh.data, { symbol, source: "sim" });
    expect(snapshot.seq, "seq carries on").toBeGreaterThan(ahead.seq);
    expect(snapshot.ticks.some((tick) => tick[1] === 777)).toBe(false);
    // The simulator runs again for its watcher, its ticks continuing the snapshot.
    const ticks = (await watcher.nextOf("ticks", 5000)) as unknown as {
      seq: number;
      ticks: Tick[];
    };
    expect(ticks.seq).toBe(snapshot.seq + ticks.ticks.length);
    expect((await getSnapshot(server.url, symbol)).source).toBe("sim");

    // And pushes are taken again, from any time.
    const again = await push(server.url, symbol, { ticks: ticksAt(Date.now() - 60_000, 1) }, TOKEN);
    expect(again.status, again.text).toBe(200);
  });

  it.skipIf(dotEnvToken)("is refused with 403 where pushes are switched off", async () => {
    const reply = await reset(noToken, "NORESET", `Bearer ${TOKEN}`);
    expect(reply.status).toBe(403);
    expectHttpError(reply.body);
  });
});

describe("the room's counters", () => {
  it("are shown only with the ingest token", async () => {
    const stats = (authorization?: string, target = server) =>
      request(`${target.url}/parties/ticker/COUNTERS?stats`, {
        headers: authorization === undefined ? {} : { authorization },
      });
    for (const authorization of [undefined, "Bearer nope", `Basic ${TOKEN}`]) {
      const refused = await stats(authorization);
      expect(refused.status, String(authorization)).toBe(401);
      expect(refused.text).not.toContain("storageWrites");
    }
    const shown = await stats(`Bearer ${TOKEN}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ storageWrites: 0, subscribers: 0 });
    // Its meter: nothing written or read, no alarm, nothing stored.
    expect(shown.body).toMatchObject({
      meter: { rowsWritten: 0, alarmsSet: 0, storedBytes: 0 },
    });
    if (!dotEnvToken) expect((await stats(`Bearer ${TOKEN}`, noToken)).status).toBe(403);
  });

  it("of a list are shown only with the ingest token, and count what the list did", async () => {
    const id = randomBytes(12).toString("base64url");
    const created = await request(`${server.url}/parties/watchlist/${id}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Meter", symbols: ["AAPL"] }),
    });
    expect(created.status).toBe(201);
    const url = `${server.url}/parties/watchlist/${id}?stats`;
    for (const authorization of [undefined, "Bearer nope"]) {
      const refused = await request(url, authorization ? { headers: { authorization } } : {});
      expect(refused.status, String(authorization)).toBe(401);
      expect(refused.text).not.toContain("rowsWritten");
    }
    const client = await WsClient.connect(server.wsUrl(`/parties/watchlist/${id}`));
    await client.nextOf("state", 5000);
    client.send(JSON.stringify({ type: "focus", symbol: "AAPL" }));
    await client.next(
      (d) => isType(d, "presence") && JSON.stringify(d).includes('"focus":"AAPL"'),
      5000,
      "the focus in presence",
    );
    const shown = await request(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(shown.status).toBe(200);
    const meter = (shown.body as { meter: Record<string, number> }).meter;
    expect(meter.wsMessagesIn).toBeGreaterThanOrEqual(1);
    expect(meter.rowsWritten).toBeGreaterThan(0);
    expect(meter.storedBytes).toBeGreaterThan(0);
    expect(meter.alarmsSet).toBe(0);
    await client.close();
  });
});

// ---------------------------------------------------------------------------------------------
// Storage, as the runtime keeps it on disk: one SQLite database per room

/** Each room's database files and their sizes, by the room's object id. */
function roomFiles(target: TestServer): Map<string, { db: number; wal: number }> {
  const dir = join(target.persist, target.runtime === "worker" ? "do/-Ticker" : "party/-tickerDO");
  const rooms = new Map<string, { db: number; wal: number }>();
  if (!existsSync(dir)) return rooms;
  for (const file of readdirSync(dir)) {
    const m = /^([0-9a-f]{64})\.sqlite(-wal)?$/.exec(file);
    if (!m) continue;
    const id = m[1] as string;
    const entry = rooms.get(id) ?? { db: 0, wal: 0 };
    entry[m[2] ? "wal" : "db"] = statSync(join(dir, file)).size;
    rooms.set(id, entry);
  }
  return rooms;
}

function newRooms(target: TestServer, before: Map<string, unknown>) {
  return [...roomFiles(target)].filter(([id]) => !before.has(id)).map(([, files]) => files);
}

/**
 * Nothing written: on the Worker not one byte (the runtime makes an empty database for any
 * object it starts); `partykit dev`'s older runtime creates its key-value table on first access.
 */
function expectNothingStored(files: { db: number; wal: number }): void {
  if (RUNTIME === "worker") {
    expect(files).toEqual({ db: expect.any(Number), wal: 0 });
    expect(files.db).toBeLessThanOrEqual(4096);
  } else {
    expect(files.db + files.wal).toBeLessThan(16 * 1024);
  }
}

describe("room ids", () => {
  it("refuses a percent-encoded spelling of a symbol everywhere, and creates no room", async () => {
    const before = roomFiles(server);
    const url = `${server.url}/parties/ticker/%41APL`;
    const auth = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
    const body = JSON.stringify({ ticks: ticksAt(Date.now(), 1) });
    const replies = [
      ["GET", await request(url)],
      ["HEAD", await request(url, { method: "HEAD" })],
      ["POST", await request(url, { method: "POST", headers: auth, body })],
      ["DELETE", await request(url, { method: "DELETE", headers: auth })],
    ] as const;
    for (const [method, reply] of replies) {
      expect(reply.status, method).toBe(400);
      if (method !== "HEAD") expect(expectHttpError(reply.body).message, method).toContain("AAPL");
    }
    const upgrade = await tryUpgrade(server.wsUrl("/parties/ticker/%41APL"));
    expect(upgrade.opened, "a socket opened").toBe(false);
    if (!upgrade.opened) {
      expect(upgrade.status).toBe(400);
      expect(expectHttpError(upgrade.body).message).toContain("AAPL");
    }
    // A push to an alias lands nowhere: the room of the symbol stays as it was.
    const alias = await push(server.url, "MSF%54", { ticks: ticksAt(Date.now(), 1) }, TOKEN);
    expect(alias.status).toBe(400);
    expect(expectHttpError(alias.body).message).toContain("MSFT");
    expect(newRooms(server, before)).toEqual([]);
    expect((await getSnapshot(server.url, "MSFT")).source).toBe("sim");
  });

  it.skipIf(RUNTIME === "partykit")(
    "answers an empty party or room in the path with a JSON 404",
    async () => {
      // `partykit dev` answers these itself, before any room code runs.
      for (const path of ["/parties//AAPL", "/parties/ticker/", "/parties/ticker/AAPL/x"]) {
        const reply = await request(`${server.url}${path}`);
        expect(reply.status, path).toBe(404);
        expect(reply.type, path).toContain("application/json");
        expectHttpError(reply.body);
      }
    },
  );
});

describe("reads", () => {
  it("of rooms never used store nothing, nor do refused writes; the first connect creates the room", async () => {
    const before = roomFiles(server);
    const a = await getSnapshot(server.url, "READA");
    expectSnapshot(a, { symbol: "READA", source: "sim" });
    expect((await request(`${server.url}/parties/ticker/READB`, { method: "HEAD" })).status).toBe(
      200,
    );
    const stats = await request(`${server.url}/parties/ticker/READC?stats`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(stats.status).toBe(200);
    expect((await getSnapshot(server.url, "BTC-USDT")).source).toBe("binance");
    // Nor do refused writes.
    const anonymous = await push(server.url, "READD", { ticks: ticksAt(Date.now(), 1) }, null);
    expect(anonymous.status).toBe(401);
    const reset = await request(`${server.url}/parties/ticker/READE`, { method: "DELETE" });
    expect(reset.status).toBe(401);

    const read = newRooms(server, before);
    expect(read.length).toBeGreaterThan(0);
    for (const files of read) expectNothingStored(files);

    // The control: a socket makes the room. A simulated room stores where it started, one
    // small row: its day follows from the time.
    const watcher = await watch("READA");
    const first = expectSnapshot(await watcher.nextOf("snapshot", 10_000), {
      symbol: "READA",
      source: "sim",
    });
    expect(first.seq).toBeGreaterThanOrEqual(a.seq);
    const made = await request(`${server.url}/parties/ticker/READA?stats`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const meter = (made.body as { meter: { storedBytes: number; rowsWritten: number } }).meter;
    expect(meter.rowsWritten, "rows written by the room a socket opened").toBe(1);
    expect(meter.storedBytes).toBeGreaterThan(0);
    expect(meter.storedBytes).toBeLessThan(1000);
    await watcher.close();
  });
});

describe("one client against a room", () => {
  it("holds at most 20 sockets in one room; the 21st is refused, and nobody else is", async () => {
    const symbol = "CAPPED";
    const url = server.wsUrl(`/parties/ticker/${symbol}`);
    const mine: WsClient[] = [];
    for (let i = 0; i < 20; i++) mine.push(await watch(symbol));
    await Promise.all(mine.map((c) => c.nextOf("snapshot", 10_000)));

    const refused = await tryUpgrade(url, 10_000);
    expect(refused.opened, "a 21st socket opened").toBe(false);
    if (!refused.opened) {
      expect(refused.status).toBe(429);
      expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
      expect(expectHttpError(refused.body).code).toBe("rate_limited");
    }

    // Another client joins, and the 20 keep streaming.
    expect(await tryUpgrade(url, 10_000, from("198.51.100.21"))).toEqual({ opened: true });
    await Promise.all(mine.map((c) => c.nextOf("ticks", 5000)));
    expect(mine.every((c) => c.isOpen)).toBe(true);

    // One closed, one more may open.
    await (mine.pop() as WsClient).close();
    const deadline = Date.now() + 5000;
    for (;;) {
      const retry = await tryUpgrade(url, 10_000);
      if (retry.opened || Date.now() > deadline) {
        expect(retry.opened, "a socket after one was closed").toBe(true);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });

  it.skipIf(RUNTIME === "partykit")(
    "opens 60 rooms that did not exist yet a minute; reads and rooms that exist cost nothing",
    async () => {
      const me = from("198.51.100.30");
      // Reads of rooms never used do not count.
      for (let i = 0; i < 70; i++) {
        const reply = await request(`${server.url}/parties/ticker/R${i}-USDT`, { headers: me });
        expect(reply.status).toBe(200);
      }
      for (let i = 0; i < 60; i++) {
        const opened = await tryUpgrade(server.wsUrl(`/parties/ticker/N${i}-USDT`), 10_000, me);
        expect(opened, `new room ${i}`).toEqual({ opened: true });
      }
      const refused = await tryUpgrade(server.wsUrl("/parties/ticker/N60-USDT"), 10_000, me);
      expect(refused.opened, "a 61st new room opened").toBe(false);
      if (!refused.opened) {
        expect(refused.status).toBe(429);
        expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
        expectHttpError(refused.body);
      }
      // Rooms that exist still open for it; another client may make the one refused.
      const existing = await tryUpgrade(server.wsUrl("/parties/ticker/N0-USDT"), 10_000, me);
      expect(existing).toEqual({ opened: true });
      const other = server.wsUrl("/parties/ticker/N60-USDT");
      expect(await tryUpgrade(other, 10_000, from("198.51.100.31"))).toEqual({ opened: true });
    },
    60_000,
  );
});
