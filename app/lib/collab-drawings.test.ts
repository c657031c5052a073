import { describe, expect, it } from "vitest";
import type { Drawing, StateMessage, User } from "../../party/protocol/index.ts";
import {
  ackDrawing,
  type DrawingChange,
  drawingFrame,
  drawingsOn,
  dropPendingDrawings,
  noDrawings,
  pendingId,
  proposeDrawing,
  receiveDrawings,
  refuseDrawing,
} from "./collab-drawings.ts";
import {
  applyServerFrame,
  initialWatchlistState,
  proposeDrawingChange,
} from "./watchlist-state.ts";

const ann: User = { id: "u1", name: "Ann", color: "#aa0000" };
const level = (id: string, price: number, symbol = "AAPL"): Drawing => ({
  id,
  symbol,
  kind: "level",
  price,
  by: "Ben",
  color: "#0000aa",
});
const trend: Drawing = {
  id: "t1",
  symbol: "AAPL",
  kind: "trend",
  from: { time: 1000, price: 10 },
  to: { time: 2000, price: 12 },
  by: "Ben",
  color: "#0000aa",
};
const draw: DrawingChange = {
  type: "draw",
  ref: "r1",
  drawing: { symbol: "AAPL", kind: "level", price: 190 },
};

describe("shared drawings on this page", () => {
  it("shows a new level at once in this person's name and colour, then the room's", () => {
    const shown = proposeDrawing(noDrawings, draw, ann);
    expect(shown.view).toEqual([
      { ...draw.drawing, id: pendingId("r1"), by: "Ann", color: "#aa0000" },
    ]);
    // The room sends the new state first, then the ack with the id it gave.
    const stored = { ...level("d1", 190), by: "Ann", color: "#aa0000" };
    const after = receiveDrawings(shown, [stored], ann);
    expect(after.view).toEqual([stored, { ...stored, id: pendingId("r1") }]);
    const settled = ackDrawing(after, "r1", "d1", ann);
    expect(settled.view).toEqual([stored]);
    expect(settled.pending).toEqual([]);
  });

  it("settles an ack that came before its state with that state", () => {
    const moving = proposeDrawing(
      receiveDrawings(noDrawings, [level("d1", 190)], ann),
      { type: "redraw", ref: "r2", drawingId: "d1", move: { price: 195 } },
      ann,
    );
    expect(moving.view).toEqual([level("d1", 195)]);
    const acked = ackDrawing(moving, "r2", undefined, ann);
    expect(acked.view).toEqual([level("d1", 195)]);
    expect(acked.pending).toHaveLength(1);
    expect(receiveDrawings(acked, [level("d1", 195)], ann).pending).toEqual([]);
  });

  it("moves a trend line by its two points and deletes drawings", () => {
    const start = receiveDrawings(noDrawings, [level("d1", 190), trend], ann);
    const moved = proposeDrawing(
      start,
      {
        type: "redraw",
        ref: "r3",
        drawingId: "t1",
        move: { from: { time: 1500, price: 11 }, to: { time: 2500, price: 13 } },
      },
      ann,
    );
    expect(moved.view[1]).toMatchObject({ from: { time: 1500, price: 11 }, to: { time: 2500 } });
    const gone = proposeDrawing(moved, { type: "undraw", ref: "r4", drawingId: "d1" }, ann);
    expect(gone.view.map((d) => d.id)).toEqual(["t1"]);
    // A level's move given to a trend line is the room's to refuse: nothing moves here.
    const wrong = proposeDrawing(
      start,
      { type: "redraw", ref: "r5", drawingId: "t1", move: { price: 5 } },
      ann,
    );
    expect(wrong.view).toEqual(start.view);
  });

  it("rolls a refused change back, and unanswered ones when the connection drops", () => {
    const start = receiveDrawings(noDrawings, [level("d1", 190)], ann);
    const moving = proposeDrawing(
      start,
      { type: "redraw", ref: "r6", drawingId: "d1", move: { price: 1 } },
      ann,
    );
    expect(refuseDrawing(moving, "r6", ann)?.view).toEqual(start.view);
    expect(refuseDrawing(moving, "other", ann)).toBeNull();
    const drawn = proposeDrawing(start, draw, ann);
    expect(dropPendingDrawings(drawn, ann).view).toEqual(start.view);
  });

  it("lists one symbol's drawings in the order they were drawn", () => {
    const view = [level("a", 1), level("b", 2, "MSFT"), level("c", 3)];
    expect(drawingsOn(view, "AAPL").map((d) => d.id)).toEqual(["a", "c"]);
  });

  it("sends the frames the room reads", () => {
    expect(drawingFrame(draw)).toEqual({
      type: "draw",
      symbol: "AAPL",
      kind: "level",
      price: 190,
      ref: "r1",
    });
    expect(drawingFrame({ type: "redraw", ref: "r", drawingId: "d1", move: { price: 2 } })).toEqual(
      { type: "redraw", drawingId: "d1", price: 2, ref: "r" },
    );
    expect(drawingFrame({ type: "undraw", ref: "r", drawingId: "d1" })).toEqual({
      type: "undraw",
      drawingId: "d1",
      ref: "r",
    });
  });
});

describe("drawing frames in the list's state", () => {
  const stateFrame = (drawings: Drawing[]): StateMessage => ({
    type: "state",
    v: 1,
    id: "list",
    name: "L",
    symbols: ["AAPL"],
    version: 3,
    role: "editor",
    you: ann,
    drawings,
  });

  it("takes the drawings from every state and settles this page's own with the ack", () => {
    let s = applyServerFrame(initialWatchlistState(), stateFrame([]));
    s = proposeDrawingChange(s, draw);
    expect(s.drawings.view).toHaveLength(1);
    s = applyServerFrame(s, stateFrame([level("d1", 190)]));
    s = applyServerFrame(s, { type: "ack", ref: "r1", version: 3, drawingId: "d1" });
    expect(s.drawings.view).toEqual([level("d1", 190)]);
    // The list's own edits are untouched by it.
    expect(s.view?.symbols).toEqual(["AAPL"]);
  });

  it("says why a drawing was refused and takes it off", () => {
    let s = applyServerFrame(initialWatchlistState(), stateFrame([]));
    s = proposeDrawingChange(s, draw);
    s = applyServerFrame(s, {
      type: "error",
      code: "full",
      message: "a list holds at most 20 drawings on one symbol",
      ref: "r1",
    });
    expect(s.drawings.view).toEqual([]);
    expect(s.notice?.text).toBe("A list holds at most 20 drawings on one symbol.");
  });
});
