/**
 * Where a ticker room places sockets, as the edge sees its answers: the real ticker core and
 * real relay cores in memory (`tests/helpers/relay-world.ts`). The room keeps `RELAY_AFTER`
 * sockets, hands the rest to shards lowest first, no shard past `RELAY_SIZE`, and keeps its
 * counts right through storms, double closes, restarts and relays that send nonsense.
 */
import { describe, expect, it } from "vitest";
import { type Client, onWorldTime, RelayWorld } from "../../../tests/helpers/relay-world.ts";
import { LIMITS } from "../../protocol/index.ts";

onWorldTime();

async function pushRoom(symbol: string, env: Record<string, string> = {}) {
  const world = new RelayWorld(symbol, env);
  await world.push(world.ticks(3));
  return world;
}

/** What each relay holds, as the relays themselves count their sockets. */
function held(world: RelayWorld): number[] {
  return [...world.shards.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, shard]) => [...shard.room.connections()].length);
}

describe("placing sockets", () => {
  it("keeps the room's share, then fills shards lowest first, none past its size", async () => {
    const world = await pushRoom("DESKA", { RELAY_AFTER: "2", RELAY_SIZE: "3" });
    const names = Array.from({ length: 12 }, (_, i) => `c${i}`);
    const placed: Client["at"][] = [];
    for (const as of names.slice(0, 2)) {
      placed.push((await world.admit(as)) as Client["at"]);
      await world.connect("room", as);
    }
    // A storm: nine upgrades admitted before any of them reaches its relay.
    for (const as of names.slice(2, 11)) placed.push((await world.admit(as)) as Client["at"]);
    expect(placed).toEqual(["room", "room", 0, 0, 0, 1, 1, 1, 2, 2, 2]);
    for (const [i, as] of names.slice(2, 11).entries()) {
      await world.connect(placed[i + 2] as Client["at"], as);
      await world.settle();
    }
    await world.advance(1000);
    expect(held(world)).toEqual([3, 3, 3]);
    const stats = await world.stats();
    expect(stats.direct).toBe(2);
    expect(stats.relays.map((r) => [r.shard, r.sockets])).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
    ]);
    expect(await world.admit("c11")).toBe(3);
  });

  it("counts the sockets on their way to a relay that has already reported", async () => {
    const world = await pushRoom("DESKB", { RELAY_AFTER: "1", RELAY_SIZE: "2" });
    await world.open();
    const first = (await world.admit("a")) as number;
    const second = (await world.admit("b")) as number;
    expect([first, second]).toEqual([0, 0]);
    // The first reaches its relay, which dials the room and reports one socket...
    await world.connect(first, "a");
    await world.settle();
    expect((await world.stats()).relays).toMatchObject([{ shard: 0, sockets: 1 }]);
    // ...while the second is still on its way there: shard 0 is full all the same.
    expect(await world.admit("c")).toBe(1);
    await world.connect(second, "b");
    await world.advance(1000);
    expect(held(world)).toEqual([2]);
  });

  it("keeps every socket in the room where the runtime hosts no relays, or RELAY_AFTER=off", async () => {
    for (const world of [
      new RelayWorld("DESKC", {}, { hostsRelays: false }),
      new RelayWorld("DESKD", { RELAY_AFTER: "off" }),
    ]) {
      await world.push(world.ticks(1));
      for (let i = 0; i < 5; i++) expect((await world.open()).at).toBe("room");
      expect((await world.stats()).direct).toBe(5);
    }
  });

  it("refuses a client holding its share of sockets on a relay with 429, as the room does", async () => {
    const world = await pushRoom("DESKE", { RELAY_AFTER: "1", RELAY_SIZE: "100" });
    await world.open();
    for (let i = 0; i < LIMITS.socketsPerClient; i++) {
      expect(await world.admit("greedy")).toBe(0);
      expect(await world.connect(0, "greedy")).not.toBeInstanceOf(Response);
    }
    // The room holds none of its sockets and hands it on; the relay holds 20 and refuses it.
    expect(await world.admit("greedy")).toBe(0);
    const refused = (await world.connect(0, "greedy")) as Response;
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("10");
    expect(await world.connect(0, "modest")).not.toBeInstanceOf(Response);
  });
});

describe("the room's count of its own sockets", () => {
  it("counts a socket closed twice (an error, then the close) once", async () => {
    const world = await pushRoom("DESKF");
    const a = await world.open();
    await world.open();
    await world.leave(a);
    await world.tickerCore.close(a.conn as never);
    expect((await world.stats()).direct).toBe(1);
    // One place free: the next socket stays, the one after goes to a relay.
    expect(await world.admit("next")).toBe("room");
    await world.connect("room", "next");
    expect(await world.admit("after")).toBe(0);
  });

  it("is counted again by an instance that wakes over open sockets", async () => {
    const world = await pushRoom("DESKG");
    const clients: Client[] = [];
    for (let i = 0; i < 4; i++) clients.push(await world.open());
    await world.settle();
    await world.restartTicker();
    const stats = await world.stats();
    expect(stats).toMatchObject({ direct: 2, subscribers: 3 });
    expect(stats.relays.map((r) => r.shard)).toEqual([0]);
    // Its first news after the wake-up is a close: the count is right from there on.
    await world.leave(clients[0] as Client);
    expect((await world.stats()).direct).toBe(1);
    expect(await world.admit("next")).toBe("room");
  });
});

describe("a relay's socket to the room", () => {
  it("sending frames of the wrong shape changes nothing the room knows of it", async () => {
    const world = await pushRoom("DESKH");
    const clients: Client[] = [];
    for (let i = 0; i < 4; i++) clients.push(await world.open());
    await world.advance(1000);
    const link = world.links[0];
    if (!link) throw new Error("no link");
    const before = await world.stats();
    expect(before.relays).toMatchObject([{ shard: 0, sockets: 2 }]);
    const load = { type: "relay-load", sockets: 1, frames: 0, sends: 0 };
    const bad: (string | Uint8Array)[] = [
      JSON.stringify({ ...load, sockets: -1 }),
      JSON.stringify({ ...load, sockets: 1.5 }),
      JSON.stringify({ ...load, sockets: "9" }),
      JSON.stringify({ ...load, frames: 2 ** 60 }),
      JSON.stringify({ type: "relay-load" }),
      JSON.stringify({ ...load, type: "relay-loads" }),
      '{"type":"relay-load",',
      "null",
      "x".repeat(LIMITS.frameBytes + 1),
      new Uint8Array([0xff, 0xfe]),
    ];
    for (const frame of bad) world.tickerCore.message(link.conn, frame);
    await world.settle();
    expect(link.conn.open).toBe(true);
    expect(await world.stats()).toMatchObject({ direct: 2, relays: before.relays });
    // The relay and its clients carry on.
    await world.pushSeenBy(clients, 2);
    // A client cannot pass for a relay: its report is a bad frame, and counts for nothing.
    world.send(clients[0] as Client, JSON.stringify(load));
    expect(world.read(clients[0] as Client)).toMatchObject([
      { type: "error", code: "bad_message" },
    ]);
    const placed = (await world.stats()).relays.map((r) => [r.shard, r.sockets]);
    expect(placed).toEqual([[0, 2]]);
  });
});
