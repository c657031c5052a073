import { describe, expect, it } from "vitest";
import type { AlertView, StateMessage } from "../../party/protocol/index.ts";
import {
  alertsBySymbol,
  FIRINGS_KEPT,
  firingText,
  hasFired,
  readAlertLevel,
  rememberFiring,
  ruleText,
} from "./list-alerts.ts";
import { applyServerFrame, initialWatchlistState, parseWatchlistFrame } from "./watchlist-state.ts";

const alert = (id: string, symbol: string, over: Partial<AlertView> = {}): AlertView => ({
  id,
  symbol,
  when: "above",
  value: 110,
  by: "Ann",
  armed: true,
  ...over,
});

const stateFrame = (alerts?: AlertView[]): StateMessage => ({
  type: "state",
  v: 1,
  id: "list-id-0123456789",
  name: "Tech",
  symbols: ["AAPL", "MSFT"],
  version: 3,
  role: "editor",
  you: { id: "me", name: "Ben", color: "#0090ff" },
  ...(alerts ? { alerts } : {}),
});

describe("the alerts a page shows", () => {
  it("are grouped by row, with one shared empty list for rows without any", () => {
    const of = alertsBySymbol([alert("a", "AAPL"), alert("b", "MSFT"), alert("c", "AAPL")]);
    expect(of("AAPL").map((a) => a.id)).toEqual(["a", "c"]);
    expect(of("NVDA")).toBe(of("TSLA"));
    expect(of("NVDA")).toEqual([]);
  });

  it("mark a row once one of them fired", () => {
    expect(hasFired([alert("a", "AAPL")])).toBe(false);
    expect(hasFired([alert("a", "AAPL"), alert("b", "AAPL", { armed: false })])).toBe(true);
  });

  it("read as rules, with a true minus sign on a fall", () => {
    expect(ruleText("above", 110)).toBe("Above 110.00");
    expect(ruleText("below", 0.00012345)).toBe("Below 0.00012345");
    expect(ruleText("change-above", 5)).toBe("Day's change above +5%");
    expect(ruleText("change-below", -2.5)).toBe("Day's change below \u22122.5%");
  });

  it("come from every state, and stay as they were when a state has none", () => {
    const held = applyServerFrame(initialWatchlistState(), stateFrame([alert("a", "AAPL")]));
    expect(held.alerts.map((a) => a.id)).toEqual(["a"]);
    expect(applyServerFrame(held, stateFrame()).alerts).toBe(held.alerts);
    expect(applyServerFrame(held, stateFrame([])).alerts).toEqual([]);
  });
});

describe("a level typed for a new alert", () => {
  const none: AlertView[] = [];
  it("is read as a number, percent signs and typographic minus signs allowed", () => {
    expect(readAlertLevel("AAPL", "above", " 110.5 ", none)).toEqual({ value: 110.5 });
    expect(readAlertLevel("AAPL", "change-below", "\u22122.5%", none)).toEqual({ value: -2.5 });
  });

  it("is refused with the reason when empty, not a number, or out of the server's range", () => {
    expect(readAlertLevel("AAPL", "above", "", none)).toEqual({ error: "Enter a price." });
    expect(readAlertLevel("AAPL", "above", "12abc", none)).toEqual({
      error: "Enter a number, such as 110.5.",
    });
    expect(readAlertLevel("AAPL", "below", "0", none)).toEqual({
      error: "A price level must be greater than 0.",
    });
    expect(readAlertLevel("AAPL", "change-above", "1000.5", none)).toEqual({
      error: "A day's change must be above -100% and at most 1000%.",
    });
    expect(readAlertLevel("AAPL", "change-below", "-100", none)).toHaveProperty("error");
    expect(readAlertLevel("AAPL", "change-above", "1000", none)).toEqual({ value: 1000 });
  });

  it("is refused once the row holds 20 alerts or the list 100", () => {
    const twenty = Array.from({ length: 20 }, (_, i) => alert(`a${i}`, "AAPL"));
    expect(readAlertLevel("AAPL", "above", "1", twenty)).toEqual({
      error: "A list holds at most 20 alerts on AAPL; remove one first.",
    });
    expect(readAlertLevel("MSFT", "above", "1", twenty)).toEqual({ value: 1 });
    const hundred = Array.from({ length: 100 }, (_, i) => alert(`b${i}`, `S${i}`));
    expect(readAlertLevel("MSFT", "above", "1", hundred)).toEqual({
      error: "A list holds at most 100 alerts; remove one first.",
    });
  });
});

describe("a firing", () => {
  const fired = { type: "fired" as const, alertId: "a", symbol: "AAPL", price: 111, time: 5 };

  it("is read from its frame and kept once, with its alert's rule and author", () => {
    const frame = parseWatchlistFrame(JSON.stringify(fired));
    expect(frame).toEqual(fired);
    let state = applyServerFrame(initialWatchlistState(), stateFrame([alert("a", "AAPL")]));
    state = applyServerFrame(state, fired);
    state = applyServerFrame(state, fired);
    expect(state.firings).toEqual([
      { alertId: "a", symbol: "AAPL", price: 111, time: 5, by: "Ann", when: "above", value: 110 },
    ]);
    expect(firingText(state.firings[0] as never)).toEqual({
      title: "AAPL alert fired",
      body: "AAPL above 110.00: it traded at 111.00. Set by Ann.",
    });
  });

  it("of an alert the page did not know still says which symbol and price", () => {
    const [f] = rememberFiring([], fired, []);
    expect(firingText(f as never).body).toBe("AAPL alert: it traded at 111.00.");
  });

  it("is dropped from the frame when it is not one", () => {
    expect(parseWatchlistFrame(JSON.stringify({ type: "fired", symbol: "AAPL" }))).toBeNull();
  });

  it("keeps only the newest few", () => {
    let firings = rememberFiring([], fired, []);
    for (let i = 0; i < FIRINGS_KEPT + 5; i++) {
      firings = rememberFiring(firings, { ...fired, alertId: `x${i}` }, []);
    }
    expect(firings).toHaveLength(FIRINGS_KEPT);
    expect(firings.at(-1)?.alertId).toBe(`x${FIRINGS_KEPT + 4}`);
  });
});
