import { describe, expect, it } from "vitest";
import { QUIET_WAIT_MS, secondaryStart } from "./price-first.ts";

const opening = { heldAtOpen: false, phase: "loading", moved: false, shownForMs: null } as const;

describe("secondaryStart", () => {
  it("waits for the snapshot, then for the price to move", () => {
    expect(secondaryStart(opening)).toEqual({ start: "later", inMs: Number.POSITIVE_INFINITY });
    const shown = { ...opening, phase: "ready", shownForMs: 0 } as const;
    expect(secondaryStart(shown)).toEqual({ start: "later", inMs: QUIET_WAIT_MS });
    expect(secondaryStart({ ...shown, moved: true, shownForMs: 40 })).toEqual({
      start: "after-paint",
    });
  });

  it("stops waiting on a quiet market", () => {
    const quiet = { ...opening, phase: "ready", shownForMs: QUIET_WAIT_MS - 100 } as const;
    expect(secondaryStart(quiet)).toEqual({ start: "later", inMs: 100 });
    expect(secondaryStart({ ...quiet, shownForMs: QUIET_WAIT_MS })).toEqual({ start: "now" });
  });

  it("does not wait when the price was already on screen, or when the room is refused", () => {
    expect(secondaryStart({ ...opening, heldAtOpen: true, phase: "ready", shownForMs: 0 })).toEqual(
      { start: "now" },
    );
    expect(secondaryStart({ ...opening, phase: "error" })).toEqual({ start: "now" });
  });
});
