import { describe, expect, it } from "vitest";
import type { StateMessage, WatchlistView } from "../../party/protocol/index.ts";
import {
  applyIntent,
  applyServerFrame,
  initialWatchlistState,
  markMissing,
  parseWatchlistFrame,
  propose,
  refusalText,
  unsettled,
  type WatchlistState,
} from "./watchlist-state.ts";

const list = (symbols: string[], version = 1, name = "Tech"): WatchlistView => ({
  id: "list-id-0123456789",
  name,
  symbols,
  version,
});

const stateFrame = (view: WatchlistView): StateMessage => ({
  type: "state",
  v: 1,
  ...view,
  role: "editor",
  you: { id: "me", name: "Ada", color: "#0090ff" },
});

const loaded = (symbols: string[], version = 1): WatchlistState =>
  applyServerFrame(initialWatchlistState(), stateFrame(list(symbols, version)));

describe("applyIntent", () => {
  const base = list(["AAPL", "MSFT", "NVDA"]);
  const symbolsAfter = (edit: Parameters<typeof applyIntent>[1]) => applyIntent(base, edit).symbols;

  it("adds at the end, at an index, or past the end (which is the end)", () => {
    expect(symbolsAfter({ type: "add", symbol: "TSLA" })).toEqual(["AAPL", "MSFT", "NVDA", "TSLA"]);
    expect(symbolsAfter({ type: "add", symbol: "TSLA", index: 1 })).toEqual([
      "AAPL",
      "TSLA",
      "MSFT",
      "NVDA",
    ]);
    expect(symbolsAfter({ type: "add", symbol: "TSLA", index: 99 })).toEqual([
      "AAPL",
      "MSFT",
      "NVDA",
      "TSLA",
    ]);
  });

  it("moves to a final position, either way, and past the end", () => {
    expect(symbolsAfter({ type: "move", symbol: "AAPL", index: 1 })).toEqual([
      "MSFT",
      "AAPL",
      "NVDA",
    ]);
    expect(symbolsAfter({ type: "move", symbol: "NVDA", index: 0 })).toEqual([
      "NVDA",
      "AAPL",
      "MSFT",
    ]);
    expect(symbolsAfter({ type: "move", symbol: "AAPL", index: 9 })).toEqual([
      "MSFT",
      "NVDA",
      "AAPL",
    ]);
  });

  it("removes and renames", () => {
    expect(symbolsAfter({ type: "remove", symbol: "MSFT" })).toEqual(["AAPL", "NVDA"]);
    expect(applyIntent(base, { type: "rename", name: "Chips" }).name).toBe("Chips");
  });

  it("changes nothing for an intent that is already true, so applying it twice is safe", () => {
    for (const edit of [
      { type: "add", symbol: "MSFT" },
      { type: "remove", symbol: "TSLA" },
      { type: "move", symbol: "TSLA", index: 0 },
      { type: "move", symbol: "MSFT", index: 1 },
      { type: "rename", name: "Tech" },
    ] as const) {
      expect(applyIntent(base, edit)).toBe(base);
    }
    const once = applyIntent(base, { type: "move", symbol: "AAPL", index: 2 });
    expect(applyIntent(once, { type: "move", symbol: "AAPL", index: 2 })).toBe(once);
  });
});

describe("optimistic edits", () => {
  it("shows a proposed edit at once and keeps the server's list apart", () => {
    const state = propose(loaded(["AAPL"]), { type: "add", symbol: "MSFT", ref: "r1" });
    expect(state.view?.symbols).toEqual(["AAPL", "MSFT"]);
    expect(state.server?.symbols).toEqual(["AAPL"]);
    expect(unsettled(state).map((e) => e.ref)).toEqual(["r1"]);
  });

  it("settles on the server's state followed by its ack", () => {
    let state = propose(loaded(["AAPL"]), { type: "add", symbol: "MSFT", ref: "r1" });
    state = applyServerFrame(state, stateFrame(list(["AAPL", "MSFT"], 2)));
    expect(state.view?.symbols).toEqual(["AAPL", "MSFT"]);
    state = applyServerFrame(state, { type: "ack", ref: "r1", version: 2 });
    expect(state.pending).toEqual([]);
    expect(state.view).toBe(state.server);
  });

  it("keeps an acked edit on screen until a state at least as new as the ack arrives", () => {
    let state = propose(loaded(["AAPL"]), { type: "remove", symbol: "AAPL", ref: "r1" });
    state = applyServerFrame(state, { type: "ack", ref: "r1", version: 2 });
    expect(state.view?.symbols).toEqual([]);
    expect(unsettled(state)).toEqual([]);
    state = applyServerFrame(state, stateFrame(list([], 2)));
    expect(state.pending).toEqual([]);
  });

  it("drops an edit acked without a change (someone else did the same)", () => {
    let state = propose(loaded(["AAPL"], 4), { type: "add", symbol: "AAPL", ref: "r1" });
    state = applyServerFrame(state, { type: "ack", ref: "r1", version: 4 });
    expect(state.pending).toEqual([]);
  });

  it("lays pending edits over someone else's newer list, in order", () => {
    let state = loaded(["AAPL", "MSFT"]);
    state = propose(state, { type: "move", symbol: "MSFT", index: 0, ref: "r1" });
    state = propose(state, { type: "add", symbol: "TSLA", ref: "r2" });
    state = applyServerFrame(state, stateFrame(list(["AAPL", "MSFT", "NVDA"], 2)));
    expect(state.view?.symbols).toEqual(["MSFT", "AAPL", "NVDA", "TSLA"]);
  });

  it("rolls a refused edit back, keeps the others, and says why", () => {
    let state = loaded(["AAPL"]);
    state = propose(state, { type: "add", symbol: "ZZ", ref: "r1" });
    state = propose(state, { type: "rename", name: "Mine", ref: "r2" });
    state = applyServerFrame(state, {
      type: "error",
      code: "full",
      message: "a list holds at most 50 symbols",
      ref: "r1",
    });
    expect(state.view?.symbols).toEqual(["AAPL"]);
    expect(state.view?.name).toBe("Mine");
    expect(state.notice).toEqual({
      seq: 1,
      text: "Could not add ZZ: a list holds at most 50 symbols.",
    });
    const again = applyServerFrame(state, {
      type: "error",
      code: "forbidden",
      message: "this is a view link: ask for the edit link to make changes",
      ref: "r2",
    });
    expect(again.view?.name).toBe("Tech");
    expect(again.notice?.seq).toBe(2);
  });

  it("reports an error for no edit of its own without touching the list", () => {
    const state = propose(loaded(["AAPL"]), { type: "remove", symbol: "AAPL", ref: "r1" });
    const after = applyServerFrame(state, {
      type: "error",
      code: "rate_limited",
      message: "too many frames: at most 20 a second",
    });
    expect(after.view?.symbols).toEqual([]);
    expect(after.notice?.text).toBe("Too many frames: at most 20 a second.");
  });
});

describe("frames", () => {
  it("loads the first state with the role and who you are", () => {
    const state = loaded(["AAPL"]);
    expect(state.phase).toBe("ready");
    expect(state.role).toBe("editor");
    expect(state.you?.name).toBe("Ada");
  });

  it("keeps presence as sent", () => {
    const users = [
      { id: "me", name: "Ada", color: "#0090ff", role: "editor", focus: "AAPL" },
    ] as const;
    const state = applyServerFrame(loaded([]), { type: "presence", users: [...users] });
    expect(state.users).toEqual(users);
  });

  it("marks a list that does not exist", () => {
    expect(markMissing(initialWatchlistState()).phase).toBe("missing");
  });

  it("parses what the protocol sends and drops anything else", () => {
    const text = JSON.stringify(stateFrame(list(["AAPL"])));
    expect(parseWatchlistFrame(text)).toMatchObject({ type: "state" });
    expect(parseWatchlistFrame('{"type":"ack","ref":"r1","version":3}')).toMatchObject({
      type: "ack",
    });
    expect(parseWatchlistFrame('{"type":"state","name":"x"}')).toBeNull();
    expect(parseWatchlistFrame('{"type":"pong","serverTime":1}')).toBeNull();
    expect(parseWatchlistFrame("not json")).toBeNull();
    expect(parseWatchlistFrame("null")).toBeNull();
  });
});

describe("refusalText", () => {
  it("names what was refused", () => {
    expect(
      refusalText({ type: "move", symbol: "TSLA", index: 0 }, "TSLA is not in this list"),
    ).toBe("Could not move TSLA: TSLA is not in this list.");
    expect(refusalText({ type: "rename", name: "x" }, "name must not be empty.")).toBe(
      "Could not rename the list: name must not be empty.",
    );
  });
});
