import { describe, expect, it } from "vitest";
import { LIMITS } from "./protocol/index.ts";
import { countFrame, type FrameVerdict, type FrameWindow } from "./rate-limit.ts";

/** Sends `count` frames `gapMs` apart from `start`; returns the verdicts and the last window. */
function send(count: number, start: number, gapMs: number, window: FrameWindow | null = null) {
  const verdicts: FrameVerdict[] = [];
  for (let i = 0; i < count; i++) {
    const counted = countFrame(window, start + i * gapMs);
    window = counted.next;
    verdicts.push(counted.verdict);
  }
  return { verdicts, window };
}

const T = 1_800_000_000_000;
const tally = (verdicts: FrameVerdict[], v: FrameVerdict) => verdicts.filter((x) => x === v).length;

describe("countFrame", () => {
  it("lets a burst of 40 through at once, and refuses the rest of a 100-frame burst without closing", () => {
    const { verdicts } = send(100, T, 0);
    expect(tally(verdicts, "ok")).toBe(LIMITS.frameBurst);
    expect(tally(verdicts, "limited")).toBe(60);
    expect(tally(verdicts, "close")).toBe(0);
  });

  it("takes 20 frames a second for as long as a client keeps to it", () => {
    const { verdicts } = send(20 * 30, T, 1000 / LIMITS.framesPerSecond);
    expect(tally(verdicts, "ok")).toBe(600);
  });

  it("refills the bucket over time: a second burst passes after two seconds of quiet", () => {
    const first = send(40, T, 0);
    expect(tally(first.verdicts, "ok")).toBe(40);
    expect(countFrame(first.window, T).verdict).toBe("limited");
    const second = send(40, T + 2000, 0, first.window);
    expect(tally(second.verdicts, "ok")).toBe(40);
  });

  it("closes only a connection with more than 100 refusals within 10 seconds", () => {
    const { verdicts } = send(LIMITS.frameBurst + 101, T, 0);
    expect(verdicts.indexOf("close")).toBe(LIMITS.frameBurst + 100);
  });

  it("forgets old refusals: 60 refused now and 60 refused 11 s later do not close", () => {
    const first = send(100, T, 0);
    const second = send(100, T + 11_000, 0, first.window);
    expect(tally(second.verdicts, "close")).toBe(0);
    expect(tally(second.verdicts, "limited")).toBeGreaterThan(0);
  });
});
