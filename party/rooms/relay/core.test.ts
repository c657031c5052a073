/**
 * Relay rooms as their clients see them: the real ticker core and the real relay cores in
 * memory, joined by an in-memory link (`tests/helpers/relay-world.ts`). With `RELAY_AFTER=2` and
 * `RELAY_SIZE=2`, the first two sockets stay in the room and every further pair goes to the
 * next relay. A relay's client must not be able to tell it from the room: the same snapshot,
 * every tick once and in order, and the same answers, through gaps, dropped links and restarts.
 */
import { describe, expect, it, vi } from "vitest";
import type { Link } from "../../../tests/helpers/relay-link.ts";
import { type Client, onWorldTime, RelayWorld } from "../../../tests/helpers/relay-world.ts";
import type { Snapshot } from "../../protocol/index.ts";

onWorldTime();

/** A snapshot as compared between clients: `serverTime` is when it was sent. */
const same = (snap: Snapshot | undefined) => snap && { ...snap, serverTime: 0 };

/** A push room with `n` ticks, two clients in the room and `relayed` more in relays. */
async function audience(symbol: string, relayed: number, modes: Client["mode"][] = []) {
  const world = new RelayWorld(symbol);
  await world.push(world.ticks(5));
  const direct = [await world.open(), await world.open(modes[0] ?? "full")];
  const relays: Client[] = [];
  for (let i = 0; i < relayed; i++) relays.push(await world.open(modes[i + 1] ?? "full"));
  await world.settle();
  for (const c of [...direct, ...relays]) world.read(c);
  return { world, direct, relays, all: [...direct, ...relays] };
}

function linkOf(world: RelayWorld, shard = 0): Link {
  const live = world.links.filter((l) => l.conn.open && l.conn.state?.relay?.shard === shard);
  expect(live).toHaveLength(1);
  return live[0] as Link;
}

describe("a relay's client", () => {
  it("gets the room's snapshot in either mode, and every tick once and in order", async () => {
    const { world, direct, relays, all } = await audience("RELAYA", 3, ["quote", "full", "quote"]);
    const [full, quote] = direct as [Client, Client];
    expect(all.map((c) => c.at)).toEqual(["room", "room", 0, 0, 1]);
    for (const c of relays) {
      const model = c.mode === "full" ? full : quote;
      expect(same(c.snapshots[0]), c.name).toEqual(same(model.snapshots[0]));
    }
    expect(quote.snapshots[0]?.spark).toBeDefined();

    // Batches at once and spread out: the room folds some into one frame, relays add none.
    const batches = [world.ticks(3), world.ticks(1), world.ticks(40), world.ticks(2)];
    let seq = 0;
    for (const [i, batch] of batches.entries()) {
      seq = await world.push(batch);
      if (i % 2 === 1) await world.advance(300);
    }
    await world.advance(1100);
    for (const c of all) {
      world.read(c);
      expect(c.seq, c.name).toBe(seq);
      if (c.mode === "full") expect(c.ticks, c.name).toEqual(batches.flat());
    }
    // One copy of each frame crossed each link; each relay sent it to its full-mode client.
    const stats = await world.stats();
    expect(stats).toMatchObject({ direct: 2, subscribers: 4 });
    expect(stats.relays.map((r) => [r.shard, r.sockets])).toEqual([
      [0, 2],
      [1, 1],
    ]);
    for (const r of stats.relays) expect(r.sends).toBe(r.frames);
    // A relay's copy of the history is the room's: a socket arriving now gets the same day.
    await world.leave(relays[1] as Client);
    await world.advance(1000);
    const late = [await world.open("quote"), await world.open()];
    world.send(quote, '{"type":"resync"}');
    for (const c of [...late, quote]) world.read(c);
    expect(late.map((c) => c.at)).toEqual([0, 1]);
    const room = await (await world.tickerCore.request(new Request("http://localhost/x"))).json();
    expect(same(late[0]?.snapshots[0])).toEqual(same(quote.snapshots[1]));
    expect(same(late[1]?.snapshots[0])).toEqual(same(room as Snapshot));
  });

  it("that connected before the room's snapshot reached its relay gets it when it comes", async () => {
    const world = new RelayWorld("RELAYB");
    const seq = await world.push(world.ticks(5));
    const direct = [await world.open(), await world.open()];
    const early = [await world.open("quote"), await world.open()];
    // Nothing yet: the relay is still dialling its room.
    expect(early.map((c) => `${c.at}: ${c.conn.sent.length} frames`)).toEqual([
      "0: 0 frames",
      "0: 0 frames",
    ]);
    await world.settle();
    for (const c of [...direct, ...early]) world.read(c);
    expect(early.map((c) => c.snapshots.length)).toEqual([1, 1]);
    expect(same(early[1]?.snapshots[0])).toEqual(same(direct[0]?.snapshots[0]));
    expect(early[0]?.snapshots[0]).toMatchObject({ seq, spark: expect.any(Array) });
  });
});

describe("a gap in the room's seq", () => {
  it("makes the relay resync: its clients get a fresh snapshot, then every tick again", async () => {
    const { world, direct, relays } = await audience("RELAYC", 2, ["full", "full", "quote"]);
    linkOf(world).lose = (frame) => frame.type === "ticks";
    const lost = world.ticks(2);
    await world.push(lost);
    const after = world.ticks(3);
    const seq = await world.push(after);
    await world.advance(1100);
    expect(world.shard(0).now.core.counts.gaps).toBe(1);
    for (const c of relays) {
      world.read(c);
      expect([...c.snapshots.map((s) => s.seq), c.seq], c.name).toEqual([seq - 5, seq, seq]);
    }
    const [resynced] = relays as [Client];
    expect(resynced.ticks, "no tick frame reached it since the gap").toEqual([]);
    expect(resynced.snapshots[1]?.ticks.slice(-5)).toEqual([...lost, ...after]);

    for (const c of direct) expect(world.read(c) && c.ticks, c.name).toEqual([...lost, ...after]);
    expect(await world.pushSeenBy([...direct, ...relays], 4)).toBe(seq + 4);
  });

  it("is mended once, whatever else arrives before the room answers the resync", async () => {
    const { world, relays } = await audience("RELAYJ", 2);
    const link = linkOf(world);
    link.slow = true;
    link.lose = (frame) => frame.type === "ticks";
    for (const n of [1, 2, 3]) {
      await world.push(world.ticks(n));
      await world.advance(500);
    }
    link.slow = false;
    await world.settle();
    expect(world.shard(0).now.core.counts.gaps).toBe(1);
    const seq = await world.push(world.ticks(1));
    for (const c of relays) {
      world.read(c);
      expect([c.snapshots.length, c.ticks.length, c.seq], c.name).toEqual([2, 1, seq]);
    }
  });
});

/** Every relay client got one fresh snapshot at `seq` after `before` snapshots, and no repeat. */
function expectFresh(world: RelayWorld, clients: Client[], before: number, seq: number) {
  for (const c of clients) {
    world.read(c);
    expect(c.snapshots.length, c.name).toBe(before + 1);
    expect(c.snapshots.at(-1)?.seq, c.name).toBe(seq);
  }
}

describe("a link that drops", () => {
  it("is dialled again with growing waits, and every client gets the fresh snapshot", async () => {
    const { world, relays } = await audience("RELAYD", 2);
    const relay = world.shard(0).now.core;
    expect(relay.counts.dials).toBe(1);
    vi.spyOn(console, "error").mockImplementation(() => {});
    world.refuseDials = 2;
    linkOf(world).cut();
    await world.settle();
    // Ticks the relay misses while it is away come back in the snapshot, not as frames.
    const missed = world.ticks(3);
    const seq = await world.push(missed);
    // Each wait is a random point in the upper half of 250 ms, then 500 ms, then 1 s.
    const dialledAt: number[] = [];
    for (let t = 10; relay.counts.dials < 4 && t < 5000; t += 10) {
      await world.advance(10);
      if (relay.counts.dials > 1 + dialledAt.length) dialledAt.push(t);
    }
    const waits = dialledAt.map((t, i) => t - (dialledAt[i - 1] ?? 0));
    expect(waits).toHaveLength(3);
    for (const [i, wait] of waits.entries()) {
      const ceiling = 250 * 2 ** i;
      // To the 10 ms that time passes in.
      expect(wait).toBeGreaterThanOrEqual(ceiling / 2 - 10);
      expect(wait).toBeLessThanOrEqual(ceiling + 10);
    }
    expectFresh(world, relays, 1, seq);
    expect(relays[0]?.snapshots[1]?.ticks.slice(-3)).toEqual(missed);
    expect(relays[0]?.ticks).toEqual([]);

    await world.pushSeenBy(relays, 2);
    // Reconnected, the next drop waits from the shortest wait again.
    linkOf(world).cut();
    await world.settle();
    await world.advance(250);
    expect(relay.counts.dials).toBe(5);
  });

  it("with the ticker room restarted, sockets and all, is dialled again", async () => {
    const { world, relays } = await audience("RELAYE", 2);
    await world.restartTicker({ dropSockets: true });
    const seq = await world.push(world.ticks(2));
    await world.advance(300);
    expectFresh(world, relays, 1, seq);
    await world.advance(1000);
    expect((await world.stats()).relays).toMatchObject([{ shard: 0, sockets: 2 }]);
    await world.pushSeenBy(relays, 3);
  });

  it("held through a ticker room's wake-up, gets its relay a fresh snapshot with the room's", async () => {
    // A simulated room: the instance that wakes over open sockets starts them over.
    const world = new RelayWorld("RELAYSIM");
    const all: Client[] = [];
    for (let i = 0; i < 4; i++) all.push(await world.open(i === 3 ? "quote" : "full"));
    await world.advance(5000);
    for (const c of all) world.read(c);
    expect(all.map((c) => c.at)).toEqual(["room", "room", 0, 0]);
    expect(all.map((c) => c.snapshots.length)).toEqual([1, 1, 1, 1]);
    expect((all[2] as Client).ticks.length, "the simulator ticked").toBeGreaterThan(0);
    await world.restartTicker();
    await world.advance(5000);
    for (const c of all) {
      world.read(c);
      expect(c.snapshots.length, `${c.name} started over`).toBe(2);
    }
    const [room, , relay] = all as [Client, Client, Client];
    expect(relay.seq).toBe(room.seq);
    expect(relay.ticks.slice(-10)).toEqual(room.ticks.slice(-10));
  });

  it("with the relay's own instance gone, is dialled by the one that wakes", async () => {
    const { world, relays } = await audience("RELAYF", 2);
    const before = relays[0]?.seq;
    await world.restartRelay(0);
    // The room saw the old link go and the new one come.
    expect((await world.stats()).relays.map((r) => r.shard)).toEqual([0]);
    const seq = await world.push(world.ticks(1));
    for (const c of relays) {
      world.read(c);
      expect(
        c.snapshots.map((s) => s.seq),
        c.name,
      ).toEqual([before, before]);
      expect([c.ticks.length, c.seq], c.name).toEqual([1, seq]);
    }
  });
});

describe("a relay with no client left", () => {
  it("closes its link, and the room forgets it", async () => {
    const { world, direct, relays } = await audience("RELAYG", 2);
    await world.advance(1000);
    expect((await world.stats()).relays).toMatchObject([{ shard: 0, sockets: 2 }]);
    await world.leave(relays[0] as Client);
    await world.advance(1000);
    expect((await world.stats()).relays).toMatchObject([{ shard: 0, sockets: 1 }]);
    await world.leave(relays[1] as Client);
    await world.settle();
    expect(await world.stats()).toMatchObject({ direct: 2, subscribers: 2, relays: [] });
    expect(world.links.every((l) => !l.conn.open)).toBe(true);
    // The room still serves its own.
    await world.pushSeenBy(direct, 2);
  });

  it("closes a dial that finishes after its last client left, and dials for the next", async () => {
    const world = new RelayWorld("RELAYH");
    await world.push(world.ticks(1));
    await world.open();
    await world.open();
    const release = world.holdDials();
    const early = await world.open();
    await world.leave(early);
    release();
    await world.settle();
    expect(world.links.map((l) => l.conn.closedWith)).toEqual([
      { code: 1000, reason: "relay empty" },
    ]);
    expect((await world.stats()).relays).toEqual([]);

    const next = await world.open();
    await world.settle();
    world.read(next);
    expect([next.at, next.snapshots.length]).toEqual([0, 1]);
    expect(world.shard(0).now.core.counts.dials).toBe(2);
  });
});

describe("a relay's link to its room", () => {
  it("drops a frame that is not what the protocol says, and its clients carry on", async () => {
    const { world, direct, relays } = await audience("RELAYM", 1);
    const [relayed] = relays as [Client];
    const frames = [
      "{not json",
      "[]",
      '{"type":"snapshot","v":1,"seq":3}',
      '{"type":"ticks","seq":"7","ticks":[]}',
      '{"type":"ticks","seq":7,"ticks":[[1,2,3]]}',
      '{"type":"status","status":7}',
    ];
    for (const text of frames) linkOf(world).conn.send(text);
    await world.settle();
    expect(world.read(relayed)).toEqual([]);
    expect(world.shard(0).now.core.counts.gaps).toBe(0);
    // The next ticks reach the relay's client as they reach the room's, with no gap.
    await world.pushSeenBy([...direct, relayed], 3);
    expect(relayed.ticks.map((t) => t[0])).toEqual(direct[0]?.ticks.map((t) => t[0]));
  });
});

describe("a relay's client sending frames", () => {
  it("gets the same answers as in the room: errors, pongs, and a close for a flood", async () => {
    const { world, direct, relays } = await audience("RELAYI", 1);
    const pair = [direct[0], relays[0]] as [Client, Client];
    const frames = ["{not json", '{"type":"subscribe"}', '{"type":"ping","ref":"r1"}', "[]"];
    for (const c of pair) for (const f of [...frames, '{"type":"resync"}']) world.send(c, f);
    const answers = pair.map((c) =>
      world.read(c).map((f) => ("serverTime" in f ? { ...f, serverTime: 0 } : f)),
    );
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[0]?.map((f) => f.type)).toEqual(["error", "error", "pong", "error", "snapshot"]);

    for (const c of pair) for (let i = 0; i < 200; i++) world.send(c, '{"type":"ping"}');
    const flood = pair.map((c) => {
      const got = world.read(c).map((f) => (f.type === "error" ? f.code : f.type));
      return { got: got.join(" ").replace(/(\w+)( \1)+/g, "$1…"), close: c.conn.closedWith };
    });
    expect(flood[1]).toEqual(flood[0]);
    expect(flood[0]).toEqual({
      got: "pong… rate_limited…",
      close: { code: 1008, reason: "too many frames" },
    });
  });
});
