import { describe, expect, it } from "vitest";
import type { CrosshairAt, PresenceUser } from "../../party/protocol/index.ts";
import { manualClock } from "../../tests/helpers/manual-clock.ts";
import {
  applyCrosshairs,
  CrosshairSender,
  crosshairsOn,
  keepPresent,
  noCrosshairs,
} from "./collab-crosshairs.ts";
import { applyServerFrame, connectionLost, initialWatchlistState } from "./watchlist-state.ts";

const user = (id: string, name: string, color: string): PresenceUser => ({
  id,
  name,
  color,
  role: "viewer",
  focus: null,
});
const users = [user("a", "Ann", "#a00"), user("b", "Ben", "#00a"), user("me", "Me", "#0a0")];

describe("other people's crosshairs", () => {
  it("follows each person's latest position and hides the ones that left the chart", () => {
    let s = applyCrosshairs(noCrosshairs, [
      { user: "a", symbol: "AAPL", time: 1000, price: 10 },
      { user: "b", symbol: "MSFT", time: 1000, price: 20 },
    ]);
    s = applyCrosshairs(s, [{ user: "a", symbol: "AAPL", time: 2000, price: 11 }]);
    expect(crosshairsOn(s, "AAPL", users, "me")).toEqual([
      { user: "a", name: "Ann", color: "#a00", time: 2000, price: 11 },
    ]);
    s = applyCrosshairs(s, [{ user: "a", symbol: null }]);
    expect(crosshairsOn(s, "AAPL", users, "me")).toEqual([]);
    expect(crosshairsOn(s, "MSFT", users, "me").map((c) => c.name)).toEqual(["Ben"]);
  });

  it("never shows this person's own, and names everyone else on the chart", () => {
    const s = applyCrosshairs(noCrosshairs, [
      { user: "me", symbol: "AAPL", time: 1, price: 1 },
      { user: "b", symbol: "AAPL", time: 1, price: 2 },
      { user: "a", symbol: "AAPL", time: 1, price: 3 },
    ]);
    expect(crosshairsOn(s, "AAPL", users, "me").map((c) => c.name)).toEqual(["Ann", "Ben"]);
  });

  it("drops the crosshair of someone who is no longer here", () => {
    const s = applyCrosshairs(noCrosshairs, [{ user: "a", symbol: "AAPL", time: 1, price: 1 }]);
    expect(keepPresent(s, [users[1] as PresenceUser], 1).size).toBe(0);
    // With more people here than presence lists, nobody can be said to have left.
    expect(keepPresent(s, [users[1] as PresenceUser], 60)).toBe(s);
  });

  it("comes in `crosshairs` frames and goes with the connection", () => {
    let s = applyServerFrame(initialWatchlistState(), {
      type: "crosshairs",
      crosshairs: [{ user: "a", symbol: "AAPL", time: 1, price: 1 }],
    });
    expect(s.crosshairs.get("a")).toEqual({ symbol: "AAPL", time: 1, price: 1 });
    s = connectionLost(s);
    expect(s.crosshairs.size).toBe(0);
  });
});

describe("this person's crosshair", () => {
  const at = (time: number): CrosshairAt => ({ symbol: "AAPL", time, price: 10 + time });

  it("sends at most ten a second, each the latest, the first at once", () => {
    const { clock, advance } = manualClock();
    const sent: (CrosshairAt | null)[] = [];
    const sender = new CrosshairSender((x) => sent.push(x), clock);
    // A pointer moving every 5 ms for a second.
    for (let t = 0; t < 1000; t += 5) {
      sender.move(at(t));
      advance(5);
    }
    advance(1000);
    expect(sent[0]).toEqual(at(0));
    expect(sent.length).toBeLessThanOrEqual(11);
    expect(sent.length).toBeGreaterThanOrEqual(9);
    expect(sent.at(-1)).toEqual(at(995));
  });

  it("says once that the pointer left, and only after a move was sent", () => {
    const { clock, advance } = manualClock();
    const sent: (CrosshairAt | null)[] = [];
    const sender = new CrosshairSender((x) => sent.push(x), clock);
    sender.leave();
    advance(500);
    expect(sent).toEqual([]);
    sender.move(at(1));
    sender.move(at(2));
    sender.leave();
    advance(500);
    sender.leave();
    advance(500);
    // The second move was replaced by the leave that followed it within the interval.
    expect(sent).toEqual([at(1), null]);
  });

  it("starts over after the connection dropped", () => {
    const { clock, advance } = manualClock();
    const sent: (CrosshairAt | null)[] = [];
    const sender = new CrosshairSender((x) => sent.push(x), clock);
    sender.move(at(1));
    sender.move(at(2));
    sender.reset();
    advance(500);
    sender.leave();
    advance(500);
    expect(sent).toEqual([at(1)]);
  });
});
