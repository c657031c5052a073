/**
 * A hot symbol's audience spread over relay rooms, on the Worker as `npm start` runs it. With
 * `RELAY_AFTER=2` and `RELAY_SIZE=2`, the ticker room keeps two sockets and every further pair
 * goes to the next relay. Clients use the room's one URL and cannot tell where they landed:
 * the same snapshot, every tick once and in order with no gap in `seq`, quote mode, resync,
 * refusals. Relays go away when their last socket closes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { until } from "../helpers/push-room.ts";
import { startServer, type TestServer } from "../helpers/server.ts";
import {
  expectError,
  expectQuoteFrame,
  expectSnapshot,
  expectTicksFrame,
  push,
  type Snapshot,
  type Tick,
} from "../helpers/ticker-wire.ts";
import { WsClient } from "../helpers/ws-client.ts";

const TOKEN = "relay-test-token";
let server: TestServer;
const clients: WsClient[] = [];

type RelayStats = {
  subscribers: number;
  direct: number;
  relays: { shard: number; sockets: number; frames: number; sends: number }[];
};

beforeAll(async () => {
  server = await startServer({
    env: { INGEST_TOKEN: TOKEN, RELAY_AFTER: "2", RELAY_SIZE: "2" },
  });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await server?.dispose();
});

async function stats(symbol: string): Promise<RelayStats> {
  const res = await fetch(`${server.url}/parties/ticker/${symbol}?stats`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as RelayStats;
}

/** Opens `n` sockets one after another, each once it has its snapshot. */
async function audience(symbol: string, n: number, query = ""): Promise<[WsClient, Snapshot][]> {
  const out: [WsClient, Snapshot][] = [];
  for (let i = 0; i < n; i++) {
    const client = await WsClient.connect(server.wsUrl(`/parties/ticker/${symbol}${query}`));
    clients.push(client);
    const first = await client.next(() => true, 5000, "snapshot");
    out.push([client, expectSnapshot(first.data, { symbol, source: "push" })]);
  }
  return out;
}

let clock = Date.now() - 60_000;
function ticks(n: number): Tick[] {
  return Array.from({ length: n }, (_, i): Tick => [++clock, 100 + i / 100, 1]);
}

async function pushed(symbol: string, batch: Tick[]): Promise<number> {
  const reply = await push(server.url, symbol, { ticks: batch }, TOKEN);
  expect(reply.status).toBe(200);
  return (reply.body as { seq: number }).seq;
}

/** Every tick frame a client got after `from`, checked for gaps, as the ticks they carried. */
async function ticksUpTo(client: WsClient, symbol: string, from: number, to: number) {
  const got: Tick[] = [];
  let seq = from;
  while (seq < to) {
    const frame = expectTicksFrame(await client.nextOf("ticks", 5000), symbol);
    expect(frame.seq - frame.ticks.length, "no gap and no repeat in seq").toBe(seq);
    got.push(...frame.ticks);
    seq = frame.seq;
  }
  return got;
}

describe("relay rooms", () => {
  it("serve the sockets beyond the room's share with the same snapshot and every tick", async () => {
    const symbol = "RELAYA";
    await pushed(symbol, ticks(5));
    const six = await audience(symbol, 6);
    await until(
      "two relays reporting two sockets each",
      async () => {
        const s = await stats(symbol);
        return s.direct === 2 && s.relays.map((r) => r.sockets).join() === "2,2";
      },
      10_000,
    );
    // The snapshot a relay hands out is the room's, field for field (`serverTime` aside).
    const [, direct] = six[0] as [WsClient, Snapshot];
    for (const [, snap] of six) {
      expect({ ...snap, serverTime: 0 }).toEqual({ ...direct, serverTime: 0 });
    }

    const batches = [ticks(3), ticks(1), ticks(40), ticks(2)];
    let seq = direct.seq;
    for (const batch of batches) seq = await pushed(symbol, batch);
    const all = batches.flat();
    for (const [client] of six) {
      expect(await ticksUpTo(client, symbol, direct.seq, seq)).toEqual(all);
    }
    // Each relay got each frame once, and sent it to both of its sockets.
    await until("the relays' counts", async () => {
      const s = await stats(symbol);
      return s.relays.every((r) => r.sends >= 2 * r.frames && r.frames >= batches.length);
    });
  });

  it("answer quote mode, resync and bad frames as the room does", async () => {
    const symbol = "RELAYB";
    await pushed(symbol, ticks(5));
    await audience(symbol, 2);
    const [[client, snap]] = (await audience(symbol, 1, "?mode=quote")) as [[WsClient, Snapshot]];
    expect((await stats(symbol)).direct).toBe(2);
    expect(snap.spark, "a quote-mode snapshot carries its sparkline").toBeDefined();
    expect(snap.candles.length).toBeLessThanOrEqual(60);

    const seq = await pushed(symbol, ticks(2));
    const quote = expectQuoteFrame(await client.nextOf("quote", 5000), symbol);
    expect(quote.seq).toBe(seq);

    client.send(JSON.stringify({ type: "resync" }));
    const again = expectSnapshot((await client.nextOf("snapshot", 5000)) as unknown, {
      symbol,
      source: "push",
    });
    expect(again.seq).toBe(seq);

    client.send("{not json");
    expectError(await client.nextOf("error", 5000), "bad_message");
    expect(client.isOpen).toBe(true);
  });

  it("go away when their last socket closes, and come back for the next", async () => {
    const symbol = "RELAYC";
    await pushed(symbol, ticks(1));
    const four = await audience(symbol, 4);
    await until("one relay", async () => (await stats(symbol)).relays.length === 1);
    await Promise.all(four.slice(2).map(([c]) => c.close()));
    await until("no relay left", async () => (await stats(symbol)).relays.length === 0);
    expect((await stats(symbol)).direct).toBe(2);

    const [[client, snap]] = (await audience(symbol, 1)) as [[WsClient, Snapshot]];
    await until("a relay again", async () => (await stats(symbol)).relays.length === 1);
    const seq = await pushed(symbol, ticks(3));
    expect((await ticksUpTo(client, symbol, snap.seq, seq)).length).toBe(3);
  });
});
