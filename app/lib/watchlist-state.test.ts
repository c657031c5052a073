import { describe, expect, it } from "vitest";
import type { Role, StateMessage, WatchlistView } from "../../party/protocol/index.ts";
import {
  applyIntent,
  applyServerFrame,
  canEdit,
  initialWatchlistState,
  markDeleted,
  markMissing,
  parseWatchlistFrame,
  propose,
  refusalText,
  startAuth,
  unsettled,
  type WatchlistState,
  withdraw,
} from "./watchlist-state.ts";

const list = (symbols: string[], version = 1, name = "Tech"): WatchlistView => ({
  id: "list-id-0123456789",
  name,
  symbols,
  version,
});

const stateFrame = (view: WatchlistView, role: Role = "editor"): StateMessage => ({
  type: "state",
  v: 1,
  ...view,
  role,
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
    const state = applyServerFrame(loaded([]), { type: "presence", users: [...users], count: 1 });
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

describe("a batch add", () => {
  it("shows the new symbols at once, as one pending edit, and names them when refused", () => {
    let state = propose(loaded(["MSFT"]), {
      type: "add",
      symbols: ["AAPL", "MSFT", "NVDA"],
      ref: "r1",
    });
    expect(state.view?.symbols).toEqual(["MSFT", "AAPL", "NVDA"]);
    expect(unsettled(state)).toHaveLength(1);
    state = applyServerFrame(state, {
      type: "error",
      code: "full",
      message: "a list holds at most 50 symbols",
      ref: "r1",
    });
    expect(state.view?.symbols).toEqual(["MSFT"]);
    expect(state.notice?.text).toBe(
      "Could not add AAPL, MSFT, NVDA: a list holds at most 50 symbols.",
    );
  });
});

describe("withdraw", () => {
  it("takes back a pending edit that a newer one replaced", () => {
    let state = loaded(["AAPL", "MSFT", "NVDA"]);
    state = propose(state, { type: "move", symbol: "AAPL", index: 1, ref: "r1" });
    state = propose(state, { type: "move", symbol: "AAPL", index: 2, ref: "r2" });
    state = withdraw(state, "r1");
    expect(unsettled(state).map((e) => e.ref)).toEqual(["r2"]);
    expect(state.view?.symbols).toEqual(["MSFT", "NVDA", "AAPL"]);
    expect(withdraw(state, "r9")).toBe(state);
  });
});

describe("the edit key", () => {
  const viewer = (symbols: string[], version = 1) => stateFrame(list(symbols, version), "viewer");

  it("keeps the editor's controls while the key is checked, and holds its edits back", () => {
    let state = applyServerFrame(startAuth(initialWatchlistState()), viewer(["AAPL"]));
    expect(state.phase).toBe("ready");
    expect(state.role).toBe("viewer");
    expect(state.authing).toBe(true);
    expect(canEdit(state)).toBe(true);
    state = propose(state, { type: "add", symbol: "MSFT", ref: "r1" });
    expect(state.view?.symbols).toEqual(["AAPL", "MSFT"]);
    state = applyServerFrame(state, stateFrame(list(["AAPL"])));
    expect(state.authing).toBe(false);
    expect(state.role).toBe("editor");
    expect(state.wasEditor).toBe(true);
    expect(unsettled(state).map((e) => e.ref)).toEqual(["r1"]);
    expect(state.demoted).toBeNull();
  });

  it("turns to view-only when the key is refused, and rolls back what waited", () => {
    let state = applyServerFrame(startAuth(initialWatchlistState()), viewer(["AAPL"]));
    state = propose(state, { type: "add", symbol: "MSFT", ref: "r1" });
    state = applyServerFrame(state, {
      type: "error",
      code: "forbidden",
      message: "that is not this list's edit key",
    });
    expect(state.authing).toBe(false);
    expect(canEdit(state)).toBe(false);
    expect(state.demoted).toBe("refused");
    expect(state.view?.symbols).toEqual(["AAPL"]);
    expect(unsettled(state)).toEqual([]);
    expect(state.notice).toBeNull();
  });

  it("says the link was changed when a key that worked here is refused on a reconnect", () => {
    let state = applyServerFrame(startAuth(initialWatchlistState()), viewer(["AAPL"]));
    state = applyServerFrame(state, stateFrame(list(["AAPL"])));
    state = startAuth(state);
    state = applyServerFrame(state, viewer(["AAPL"]));
    expect(canEdit(state)).toBe(true);
    state = applyServerFrame(state, { type: "error", code: "forbidden", message: "wrong key" });
    expect(state.demoted).toBe("changed");
  });

  it("turns an editor to view-only when another editor rotates the key", () => {
    let state = loaded(["AAPL", "MSFT"]);
    state = propose(state, { type: "remove", symbol: "MSFT", ref: "r1" });
    state = applyServerFrame(state, viewer(["AAPL", "MSFT"], 1));
    expect(state.role).toBe("viewer");
    expect(canEdit(state)).toBe(false);
    expect(state.demoted).toBe("changed");
    // The edit that can no longer be made leaves the screen, and its refusal adds no toast.
    expect(state.view?.symbols).toEqual(["AAPL", "MSFT"]);
    const refused = applyServerFrame(state, {
      type: "error",
      code: "forbidden",
      message: "this is a view link",
      ref: "r1",
    });
    expect(refused.notice).toBeNull();
  });

  it("clears an old demotion when a new key is tried", () => {
    let state = applyServerFrame(loaded(["AAPL"]), viewer(["AAPL"]));
    expect(state.demoted).toBe("changed");
    state = startAuth(state);
    expect(state.demoted).toBeNull();
  });

  it("reads the answer to rotate, with or without a ref", () => {
    expect(parseWatchlistFrame('{"type":"ack","ref":"r1","version":3,"editKey":"k2"}')).toEqual({
      type: "ack",
      ref: "r1",
      version: 3,
      editKey: "k2",
    });
    expect(parseWatchlistFrame('{"type":"ack","version":3,"editKey":"k2"}')).not.toBeNull();
    expect(parseWatchlistFrame('{"type":"ack","version":3}')).toBeNull();
    expect(parseWatchlistFrame('{"type":"ack","ref":"r1","version":3,"editKey":7}')).toBeNull();
  });
});

describe("a deleted list", () => {
  it("ends the list on its `deleted` frame, whatever comes after", () => {
    let state = propose(loaded(["AAPL"]), { type: "add", symbol: "MSFT", ref: "r1" });
    const frame = parseWatchlistFrame('{"type":"deleted"}');
    expect(frame).toEqual({ type: "deleted" });
    state = applyServerFrame(state, frame as { type: "deleted" });
    expect(state.phase).toBe("deleted");
    expect(unsettled(state)).toEqual([]);
    expect(applyServerFrame(state, stateFrame(list(["AAPL"], 2))).phase).toBe("deleted");
    expect(markDeleted(loaded([])).phase).toBe("deleted");
  });
});

describe("presence", () => {
  const user = (i: number) => ({
    id: `u${i}`,
    name: `User ${i}`,
    color: "#0090ff",
    role: "viewer" as const,
    focus: null,
  });

  it("keeps the count of everyone here, beyond those listed", () => {
    const users = Array.from({ length: 50 }, (_, i) => user(i));
    const state = applyServerFrame(loaded([]), { type: "presence", users, count: 73 });
    expect(state.users).toHaveLength(50);
    expect(state.count).toBe(73);
  });

  it("counts the listed users when a frame carries no count", () => {
    const frame = parseWatchlistFrame(JSON.stringify({ type: "presence", users: [user(1)] }));
    const state = applyServerFrame(loaded([]), frame as never);
    expect(state.count).toBe(1);
    expect(parseWatchlistFrame('{"type":"presence","users":[],"count":"3"}')).toBeNull();
  });
});

describe("the protocol version of the first frame", () => {
  it("flags a state of a version this app does not know", () => {
    const text = JSON.stringify({ ...stateFrame(list(["AAPL"])), v: 2 });
    expect(parseWatchlistFrame(text)).toEqual({ type: "unknown-version", v: 2 });
    expect(parseWatchlistFrame('{"type":"state","v":3}')).toEqual({
      type: "unknown-version",
      v: 3,
    });
  });
});
