/**
 * Push ingest, as a feed bridge uses it: who may push, which bodies are refused (whole, and
 * with a message naming the tick), and what subscribers and readers see once a room switches
 * from simulated to pushed ticks.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/settings.ts";
import { startServers, type TestServer } from "../helpers/server.ts";
import {
  bucket,
  expectHttpError,
  expectQuoteFrame,
  expectSnapshot,
  expectTicksFrame,
  foldCandles,
  getSnapshot,
  push,
  request,
  type Snapshot,
  type Tick,
} from "../helpers/ticker-wire.ts";
import { isType, WsClient } from "../helpers/ws-client.ts";

const TOKEN = "test-token";

/** partykit itself reads the repo's .env, so a developer's token there would arm the
 * "no token" server; the 403 case can only be checked without one. */
const dotEnvToken = (() => {
  const file = join(ROOT, ".env");
  return existsSync(file) && Boolean(parseEnv(readFileSync(file, "utf8")).INGEST_TOKEN);
})();

let noToken: TestServer;
let ingest: TestServer;
const clients: WsClient[] = [];

beforeAll(async () => {
  [noToken, ingest] = await startServers({}, { env: { INGEST_TOKEN: TOKEN } });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await Promise.all([noToken?.dispose(), ingest?.dispose()]);
});

async function connect(symbol: string, query = ""): Promise<WsClient> {
  const client = await WsClient.connect(ingest.wsUrl(`/parties/ticker/${symbol}${query}`));
  clients.push(client);
  return client;
}

/** `count` ticks from `start`, `step` ms apart, prices around `price`, whole sizes. */
function ticksFrom(start: number, count: number, price = 1000, step = 100): Tick[] {
  return Array.from(
    { length: count },
    (_, i): Tick => [start + i * step, price + (i % 7) * 0.25, 1 + (i % 5)],
  );
}

function lastOf<T>(list: readonly T[]): T {
  return list[list.length - 1] as T;
}

async function pushOk(symbol: string, ticks: Tick[]): Promise<{ accepted: number; seq: number }> {
  const reply = await push(ingest.url, symbol, { ticks }, TOKEN);
  expect(reply.status, reply.text).toBe(200);
  const body = reply.body as { accepted: number; seq: number };
  expect(body.accepted).toBe(ticks.length);
  expect(Number.isSafeInteger(body.seq), `seq ${body.seq} is an integer`).toBe(true);
  return body;
}

/** The room's counters (`GET ?stats`, with the token). */
async function stats(symbol: string): Promise<{ storageWrites: number }> {
  const reply = await request(`${ingest.url}/parties/ticker/${symbol}?stats`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  expect(reply.status, reply.text).toBe(200);
  return reply.body as { storageWrites: number };
}

/** What a rejected push must leave alone. */
function stateOf(s: Snapshot) {
  return { source: s.source, seq: s.seq, quote: s.quote, candles: s.candles, ticks: s.ticks };
}

/** "tick 2", "ticks[2]", "tick #2": the message says which tick. */
function namesTick(message: string, index: number): boolean {
  return new RegExp(`\\bticks?(?:\\[| #| )${index}\\b`, "i").test(message);
}

/**
 * The rooms answer a refused push without reading its body, and the dev runtime then drops
 * the connection; these requests ask for a fresh connection so that each status is checked on
 * its own. Whether a client can go on using its connection is the last test of the file.
 */
function refusedPush(server: TestServer, symbol: string, authorization: string | null) {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    connection: "close",
  };
  if (authorization !== null) headers.authorization = authorization;
  return request(`${server.url}/parties/ticker/${symbol}`, {
    method: "POST",
    headers,
    body: JSON.stringify({ ticks: ticksFrom(Date.now(), 3) }),
  });
}

describe("who may push", () => {
  it.skipIf(dotEnvToken)("gets 403 when the server has no INGEST_TOKEN", async () => {
    const reply = await refusedPush(noToken, "NOTOKEN", `Bearer ${TOKEN}`);
    expect(reply.status, reply.text).toBe(403);
    expectHttpError(reply.body);
    expect((await getSnapshot(noToken.url, "NOTOKEN")).source).toBe("sim");
  });

  it.each([
    ["no Authorization header", null],
    ["a wrong token", "Bearer wrong-token"],
    ["a token that only starts right", `Bearer ${TOKEN}x`],
    ["the token without the Bearer scheme", TOKEN],
    ["an empty Bearer", "Bearer "],
  ])("gets 401 with %s", async (_what, authorization) => {
    const reply = await refusedPush(ingest, "UNAUTH", authorization);
    expect(reply.status, reply.text).toBe(401);
    expectHttpError(reply.body);
    expect((await getSnapshot(ingest.url, "UNAUTH")).source).toBe("sim");
  });
});

describe("refused bodies", () => {
  const symbol = "PUSHCHECK";
  let base = 0;
  let before: Snapshot;

  beforeAll(async () => {
    base = Date.now() - 30_000;
    await pushOk(symbol, ticksFrom(base, 5));
    before = await getSnapshot(ingest.url, symbol);
    expectSnapshot(before, { symbol, source: "push" });
  });

  afterEach(async () => {
    // All or nothing: not one tick of a refused body reaches the room.
    const after = await getSnapshot(ingest.url, symbol);
    expect(stateOf(after)).toEqual(stateOf(before));
  });

  it.each([
    ["text that is not JSON", "{ticks: [[1, 2, 3]"],
    ["an empty object", {}],
    ["ticks that are not an array", { ticks: "1,2,3" }],
    ["no ticks", { ticks: [] }],
    ["1001 ticks", { ticks: ticksFrom(Date.now(), 1001, 1000, 1) }],
    ["a bare array of ticks", [[Date.now(), 1, 1]]],
  ])("gets 400 for %s", async (_what, body) => {
    const reply = await push(ingest.url, symbol, body, TOKEN);
    expect(reply.status, reply.text).toBe(400);
    expectHttpError(reply.body);
  });

  /** Each body starts with good ticks, so that only an all-or-nothing check passes. */
  const t = () => Date.now();
  it.each([
    [
      "a price of 0",
      () => [
        [t(), 10, 1],
        [t(), 0, 1],
      ],
      1,
    ],
    [
      "a negative price",
      () => [
        [t(), 10, 1],
        [t(), 11, 1],
        [t(), -5, 1],
      ],
      2,
    ],
    ["a price that is a string", () => [[t(), "10.5", 1]], 0],
    [
      "a size of 0",
      () => [
        [t(), 10, 1],
        [t(), 10, 0],
      ],
      1,
    ],
    [
      "a negative size",
      () => [
        [t(), 10, 1],
        [t(), 10, 1],
        [t(), 10, 1],
        [t(), 10, -2],
      ],
      3,
    ],
    [
      "a time that is not whole",
      () => [
        [t(), 10, 1],
        [t(), 10, 1],
        [t() + 0.5, 10, 1],
      ],
      2,
    ],
    [
      "a time that is a string",
      () => [
        [t(), 10, 1],
        [String(t()), 10, 1],
      ],
      1,
    ],
    [
      "times that go back",
      () => [
        [t(), 10, 1],
        [t() + 5, 10, 1],
        [t() + 3, 10, 1],
      ],
      2,
    ],
    [
      "a tick of two numbers",
      () => [
        [t(), 10, 1],
        [t(), 10],
      ],
      1,
    ],
    ["a tick that is an object", () => [{ time: t(), price: 10, size: 1 }], 0],
  ] as const)("gets 400 naming the tick for %s", async (_what, ticks, index) => {
    const reply = await push(ingest.url, symbol, { ticks: ticks() }, TOKEN);
    expect(reply.status, reply.text).toBe(400);
    const { message } = expectHttpError(reply.body);
    expect(namesTick(message, index), `"${message}" names tick ${index}`).toBe(true);
  });

  it("gets 400 naming the tick for an infinite price", async () => {
    // JSON has no Infinity, but 1e999 parses to it.
    const now = Date.now();
    const text = `{"ticks": [[${now}, 10, 1], [${now}, 1e999, 1]]}`;
    const reply = await push(ingest.url, symbol, text, TOKEN);
    expect(reply.status, reply.text).toBe(400);
    const { message } = expectHttpError(reply.body);
    expect(namesTick(message, 1), `"${message}" names tick 1`).toBe(true);
  });

  it("gets 400 for a tick before the room's last pushed tick", async () => {
    const last = lastOf(before.ticks)[0];
    const reply = await push(ingest.url, symbol, { ticks: [[last - 1, 10, 1]] }, TOKEN);
    expect(reply.status, reply.text).toBe(400);
    const { message } = expectHttpError(reply.body);
    expect(namesTick(message, 0), `"${message}" names tick 0`).toBe(true);
  });
});

describe("a room taking pushed ticks", () => {
  it("switches its watchers to the pushed prices and never mixes in simulated ones", async () => {
    const symbol = "PUSHLIVE";
    const full = await connect(symbol);
    expectSnapshot(await full.nextOf("snapshot", 5000), { symbol, source: "sim" });
    const quotes = await connect(symbol, "?mode=quote");
    await quotes.nextOf("snapshot", 5000);
    const simulated = expectTicksFrame(await full.nextOf("ticks", 3000), symbol);

    // Prices far from the simulator's, so that a mix of the two would show.
    const first = ticksFrom(Date.now() - 2000, 3, 5000, 400);
    const reply1 = await pushOk(symbol, first);
    expect(reply1.seq).toBeGreaterThanOrEqual(simulated.seq + first.length);

    // The source change arrives mid-stream as a snapshot holding only the pushed ticks.
    const switched = expectSnapshot(await full.nextOf("snapshot", 3000), {
      symbol,
      source: "push",
    });
    expect(switched.seq).toBe(reply1.seq);
    expect(switched.ticks).toEqual(first);
    expect(switched.candles).toEqual(foldCandles(first));

    // Equal times are allowed, also across pushes.
    const second: Tick[] = [
      [lastOf(first)[0], 5002, 7],
      [lastOf(first)[0] + 10, 5003.5, 9],
    ];
    const reply2 = await pushOk(symbol, second);
    expect(reply2.seq).toBe(reply1.seq + second.length);

    const frame = expectTicksFrame(await full.nextOf("ticks", 3000), symbol);
    expect(frame.seq).toBe(switched.seq + frame.ticks.length);
    expect(frame.ticks).toEqual(second);

    const quote = await quotes.next(
      (data) => isType(data, "quote") && (data.quote as { price?: unknown }).price === 5003.5,
      2500,
      "quote frame with the pushed price",
    );
    expectQuoteFrame(quote.data, symbol);
    expect(quotes.all("ticks"), "quote mode never gets ticks").toEqual([]);

    const after = expectSnapshot(await getSnapshot(ingest.url, symbol), { symbol, source: "push" });
    expect(after.seq).toBe(reply2.seq);
    expect(after.ticks).toEqual([...first, ...second]);
    expect(after.candles).toEqual(foldCandles([...first, ...second]));
    expect(after.quote?.price).toBe(5003.5);

    // Nothing simulated reached the watcher after the switch.
    const index = full.frames.findIndex(
      (f) => isType(f.data, "snapshot") && f.data.source === "push",
    );
    const later = full.frames.slice(index + 1).filter((f) => isType(f.data, "ticks"));
    expect(later.map((f) => (f.data as { ticks: unknown }).ticks)).toEqual([second]);
  });

  it("keeps seq contiguous across pushes, up to 1000 ticks per push", async () => {
    const symbol = "PUSHSEQ";
    const start = Date.now() - 200_000;
    const a = await pushOk(symbol, ticksFrom(start, 4));
    const subscriber = await connect(symbol);
    const snapshot = expectSnapshot(await subscriber.nextOf("snapshot", 5000), {
      symbol,
      source: "push",
    });
    expect(snapshot.seq).toBe(a.seq);

    const sameTime = Array.from({ length: 3 }, (_, i): Tick => [start + 1000, 999 + i, 1]);
    const b = await pushOk(symbol, sameTime);
    expect(b.seq).toBe(a.seq + 3);
    const big = ticksFrom(start + 2000, 1000, 1000, 150);
    const c = await pushOk(symbol, big);
    expect(c.seq).toBe(b.seq + 1000);

    let seq = snapshot.seq;
    const streamed: Tick[] = [];
    while (seq < c.seq) {
      const frame = expectTicksFrame(await subscriber.nextOf("ticks", 3000), symbol);
      expect(frame.seq).toBe(seq + frame.ticks.length);
      seq = frame.seq;
      streamed.push(...frame.ticks);
    }
    expect(streamed).toEqual([...sameTime, ...big]);

    const after = expectSnapshot(await getSnapshot(ingest.url, symbol), { symbol, source: "push" });
    expect(after.seq).toBe(c.seq);
    expect(after.ticks).toEqual(big.slice(-500));
    expect(after.candles).toEqual(foldCandles([...ticksFrom(start, 4), ...sameTime, ...big]));
  });

  it("takes a first push into a room nobody opened, older than its simulated ticks", async () => {
    const symbol = "PUSHNEW";
    const watched = expectSnapshot(await getSnapshot(ingest.url, symbol), {
      symbol,
      source: "sim",
    });
    // Simulated ticks do not count: a bridge may replay the last minutes.
    const ticks = ticksFrom(lastOf(watched.ticks)[0] - 300_000, 10, 42, 1000);
    const reply = await pushOk(symbol, ticks);
    const after = expectSnapshot(await getSnapshot(ingest.url, symbol), { symbol, source: "push" });
    expect(after.seq).toBe(reply.seq);
    expect(after.ticks).toEqual(ticks);
    expect(after.candles).toEqual(foldCandles(ticks));

    const fresh = await pushOk("PUSHFRESH", ticks);
    const opened = expectSnapshot(await getSnapshot(ingest.url, "PUSHFRESH"), {
      symbol: "PUSHFRESH",
      source: "push",
    });
    expect(opened.seq).toBe(fresh.seq);
    expect(opened.ticks).toEqual(ticks);
    expect(opened.candles).toEqual(foldCandles(ticks));
  });
});

/** Last in the file: the connections it leaves behind may be broken. */
describe("a room taking pushed candles", () => {
  it("merges a backfill of minutes into its day, stores it, and gives its watchers a snapshot", async () => {
    const symbol = "PUSHBARS";
    const ticks = ticksFrom(Date.now() - 500, 1, 300);
    await pushOk(symbol, ticks);
    const minute = bucket(lastOf(ticks)[0]);
    const full = await connect(symbol);
    const before = expectSnapshot(await full.nextOf("snapshot", 5000), { symbol, source: "push" });
    const writes = (await stats(symbol)).storageWrites;
    // The minutes before the bridge started streaming, as its provider's bars give them.
    const candles = [3, 2, 1].map((back, i): [number, number, number, number, number, number] => [
      minute - back * 60_000,
      290 + i,
      295 + i,
      289 + i,
      291 + i,
      1500 + i,
    ]);
    const reply = await push(ingest.url, symbol, { candles }, TOKEN);
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body).toEqual({ accepted: 0, seq: before.seq, candles: 3 });

    const fresh = expectSnapshot(await full.nextOf("snapshot", 3000), { symbol, source: "push" });
    expect(fresh.seq).toBe(before.seq);
    expect(fresh.candles).toEqual([...candles, ...before.candles]);
    expect(fresh.ticks).toEqual(before.ticks);
    // Stored before acknowledged: the write is counted by the time the answer came.
    expect((await stats(symbol)).storageWrites).toBeGreaterThan(writes);
    const read = await getSnapshot(ingest.url, symbol);
    expect(read.candles).toEqual(fresh.candles);

    // Refused whole, naming the candle, and nothing changes.
    const bad = await push(
      ingest.url,
      symbol,
      { candles: [[minute - 600_000 + 1, 1, 1, 1, 1, 1]] },
      TOKEN,
    );
    expect(bad.status).toBe(400);
    expect(expectHttpError(bad.body).message).toMatch(/^candle 0: .* start of a minute/);
    expect(stateOf(await getSnapshot(ingest.url, symbol))).toEqual(stateOf(read));
  });
});

describe("a bridge that got a refusal", () => {
  it("takes the next push on the same connection after a refused one", async () => {
    // A bridge with plain fetch that fixes its token and pushes again at once. Whether a
    // dropped connection hits the next request is a race, so it gets several tries.
    const symbol = "REAUTH";
    const start = Date.now() - 10_000;
    const failures: string[] = [];
    for (let i = 0; i < 40; i++) {
      const refused = await push(ingest.url, symbol, { ticks: ticksFrom(start, 3) }, "wrong");
      expect(refused.status).toBe(401);
      const outcome = await push(ingest.url, symbol, { ticks: [[start + i, 10, 1]] }, TOKEN).then(
        (reply) => reply.status,
        (err: Error) => `${err.message}: ${String((err.cause as Error | undefined)?.message)}`,
      );
      if (outcome !== 200) failures.push(`push ${i}: ${outcome}`);
    }
    expect(failures, "pushes that failed right after a refused push").toEqual([]);
  });
});
