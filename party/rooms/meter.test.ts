import { describe, expect, it } from "vitest";
import { FakeClock, FakeRoom, FakeStorage } from "../../tests/helpers/fake-room.ts";
import { LINGER_MS, Meter, meteredHost } from "./meter.ts";

describe("the meter", () => {
  it("counts the rows each storage call carries, as Cloudflare bills them", async () => {
    const meter = new Meter();
    const storage = meter.storage(new FakeStorage());
    await storage.put({ meta: 1, tail: [], "c:1": [] });
    await storage.put("one", 1);
    expect(meter.counts()).toMatchObject({ rowsWritten: 4, rowsRead: 0 });
    await storage.get("meta");
    await storage.get("missing");
    await storage.get(["meta", "tail", "nope"]);
    await storage.list({ prefix: "c:" });
    expect(meter.counts().rowsRead).toBe(4);
    await storage.delete(["c:1", "one"]);
    await storage.delete("meta");
    await storage.setAlarm(Date.now() + 1000);
    expect(meter.counts()).toMatchObject({ rowsWritten: 7, alarmsSet: 1 });
  });

  it("counts the time a timer or an outbound socket keeps the room awake, and the linger after", () => {
    const clock = new FakeClock(1_000);
    const meter = new Meter(() => clock.now());
    const timed = meter.clock(clock);
    clock.advance(5_000);
    expect(meter.counts().awakeMs).toBe(0);

    // Two overlapping timers: awake from the first set until the last went, then LINGER_MS.
    timed.setTimeout(() => {}, 2_000);
    clock.advance(1_000);
    const late = timed.setTimeout(() => {}, 4_000);
    clock.advance(1_000);
    expect(meter.counts().awakeMs).toBe(2_000);
    timed.clearTimeout(late);
    clock.advance(20_000);
    expect(meter.counts().awakeMs).toBe(2_000 + LINGER_MS);

    // A socket open for 3 s with a timer inside it: 3 s and the linger, counted once.
    meter.outbound(true);
    timed.setTimeout(() => {}, 1_000);
    clock.advance(3_000);
    meter.outbound(false);
    clock.advance(20_000);
    expect(meter.counts()).toMatchObject({
      awakeMs: 2_000 + LINGER_MS + 3_000 + LINGER_MS,
      outboundSocketMs: 3_000,
    });
  });

  it("keeps a room awake LINGER_MS after each request or frame, overlapping spans once", () => {
    const clock = new FakeClock(0);
    const meter = new Meter(() => clock.now());
    meter.request();
    clock.advance(4_000);
    meter.message();
    clock.advance(60_000);
    expect(meter.counts().awakeMs).toBe(4_000 + LINGER_MS);
    meter.alarm();
    clock.advance(60_000);
    expect(meter.counts()).toMatchObject({
      awakeMs: 4_000 + 2 * LINGER_MS,
      requests: 1,
      wsMessagesIn: 1,
      alarmsRun: 1,
    });
  });

  it("reads the room's id through, also where reading it throws", () => {
    const room = new FakeRoom("ROOM");
    const host = meteredHost(room, new Meter());
    expect(host.id).toBe("ROOM");
    expect(host.env).toBe(room.env);
    expect([...host.connections()]).toEqual([]);
  });
});
