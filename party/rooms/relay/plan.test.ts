import { describe, expect, it } from "vitest";
import {
  parseRelayName,
  RELAY_AFTER_DEFAULT,
  RELAY_SIZE_MAX,
  relayFor,
  relayName,
  relaySettings,
} from "./plan.ts";

const settings = { after: 3, size: 2 };
const none = new Map<number, number>();

describe("relaySettings", () => {
  it("relays after 5,000 sockets by default, each relay taking as many", () => {
    expect(relaySettings({})).toEqual({ after: RELAY_AFTER_DEFAULT, size: RELAY_AFTER_DEFAULT });
  });
  it("reads RELAY_AFTER and RELAY_SIZE, and RELAY_AFTER=off turns relays off", () => {
    expect(relaySettings({ RELAY_AFTER: "10", RELAY_SIZE: "4" })).toEqual({ after: 10, size: 4 });
    expect(relaySettings({ RELAY_AFTER: "off" })).toBeNull();
  });
  it("ignores settings that are not positive whole numbers, and caps a relay's size", () => {
    expect(relaySettings({ RELAY_AFTER: "-1", RELAY_SIZE: "1e3" })?.after).toBe(
      RELAY_AFTER_DEFAULT,
    );
    expect(relaySettings({ RELAY_AFTER: "0" })?.after).toBe(RELAY_AFTER_DEFAULT);
    expect(relaySettings({ RELAY_SIZE: "999999" })?.size).toBe(RELAY_SIZE_MAX);
  });
});

describe("relayFor", () => {
  it("keeps sockets in the room up to its share, and always with relays off", () => {
    expect(relayFor(settings, 2, [], none)).toBeNull();
    expect(relayFor(null, 1_000_000, [], none)).toBeNull();
  });
  it("fills relays one after another, lowest shard first", () => {
    expect(relayFor(settings, 3, [], none)).toBe(0);
    expect(relayFor(settings, 3, [{ shard: 0, sockets: 1 }], none)).toBe(0);
    expect(relayFor(settings, 3, [{ shard: 0, sockets: 2 }], none)).toBe(1);
    // Shard 0 emptied while 1 stayed: the next socket goes back to 0.
    expect(relayFor(settings, 3, [{ shard: 1, sockets: 2 }], none)).toBe(0);
  });
  it("counts sockets sent to a shard since its last report, so a storm does not overfill it", () => {
    expect(relayFor(settings, 3, [], new Map([[0, 2]]))).toBe(1);
    expect(relayFor(settings, 3, [{ shard: 0, sockets: 1 }], new Map([[0, 1]]))).toBe(1);
  });
});

describe("relay names", () => {
  it("round-trip a symbol and its shard", () => {
    expect(relayName("BTC-USD", 12)).toBe("BTC-USD~12");
    expect(parseRelayName("BTC-USD~12")).toEqual({ symbol: "BTC-USD", shard: 12 });
    expect(parseRelayName("AAPL")).toBeNull();
    expect(parseRelayName("~1")).toBeNull();
  });
});
