import { describe, expect, it } from "vitest";
import { previousRegularClose } from "../../market/sessions/index.ts";
import { Simulator } from "../../market/simulator.ts";
import { roomOn, roomQuote, roomSnapshot } from "./room.ts";
import { createSource } from "./sources.ts";

/** Saturday 2026-11-14, noon in New York. */
const SATURDAY = Date.UTC(2026, 10, 14, 17, 0);
/** Tuesday 2026-11-17, 17:30 in New York: after hours. */
const AFTER_HOURS = Date.UTC(2026, 10, 17, 22, 30);
/** Tuesday 2026-11-17, 11:00 in New York. */
const REGULAR = Date.UTC(2026, 10, 17, 16, 0);

function simRoom(symbol: string, now: number, env: Record<string, string> = {}) {
  const clock = { now: () => now, setTimeout, clearTimeout };
  const source = createSource("sim", { symbol, cursor: now, clock, env });
  return roomOn(source, { symbol, seq: 0, lastPushed: null }, now);
}

describe("a simulated stock room's quote", () => {
  it("says Closed on a Saturday and shows Friday's session", () => {
    const room = simRoom("AAPL", SATURDAY);
    const quote = roomQuote(room, SATURDAY);
    expect(quote?.session).toBe("closed");
    const snapshot = roomSnapshot(room, SATURDAY, "full");
    const friday = Date.UTC(2026, 10, 13);
    expect(snapshot.candles.length).toBeGreaterThan(300);
    expect(
      snapshot.candles.every((c) => c[0] >= friday && c[0] < friday + 86_400_000 + 3_600_000),
    ).toBe(true);
    // Friday's regular close is where the next session's change will be measured from.
    const close = new Simulator("AAPL").lastTickAt(previousRegularClose(SATURDAY))[1];
    expect(quote?.regularClose).toBe(close);
  });

  it("measures the day's change from the previous regular close, not from UTC midnight", () => {
    const room = simRoom("AAPL", REGULAR);
    const quote = roomQuote(room, REGULAR);
    const mondayClose = new Simulator("AAPL").lastTickAt(previousRegularClose(REGULAR))[1];
    expect(quote?.session).toBe("regular");
    expect(quote?.prevClose).toBe(mondayClose);
    expect(quote?.change).toBeCloseTo((quote?.price ?? 0) - mondayClose, 6);
    expect(quote?.regularClose).toBeUndefined();
  });

  it("carries the regular close after hours, for the extended-hours move", () => {
    const quote = roomQuote(simRoom("AAPL", AFTER_HOURS), AFTER_HOURS);
    expect(quote?.session).toBe("post");
    expect(quote?.regularClose).toBeGreaterThan(0);
    expect(quote?.regularClose).not.toBe(quote?.prevClose);
  });

  it("trades around the clock with SIM_SESSIONS=off, and crypto always does", () => {
    const off = roomQuote(simRoom("AAPL", SATURDAY, { SIM_SESSIONS: "off" }), SATURDAY);
    expect(off?.time).toBeGreaterThan(SATURDAY - 5000);
    const coin = roomQuote(simRoom("BTC-USD", SATURDAY), SATURDAY);
    expect(coin?.session).toBe("continuous");
    expect(coin?.time).toBeGreaterThan(SATURDAY - 5000);
  });
});
