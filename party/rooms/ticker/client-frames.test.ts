import { describe, expect, it } from "vitest";
import { LIMITS } from "../../protocol/index.ts";
import type { FrameWindow } from "../../rate-limit.ts";
import { answerFrame } from "./client-frames.ts";

const NOW = Date.UTC(2026, 9, 14, 15, 0, 0);

describe("answerFrame", () => {
  it("answers a ping with a pong carrying its ref, and a resync with a snapshot", () => {
    expect(answerFrame(null, '{"type":"ping","ref":"a"}', NOW).answer).toEqual({
      kind: "reply",
      message: { type: "pong", ref: "a", serverTime: NOW },
    });
    expect(answerFrame(null, '{"type":"ping"}', NOW).answer).toEqual({
      kind: "reply",
      message: { type: "pong", serverTime: NOW },
    });
    expect(answerFrame(null, '{"type":"resync"}', NOW).answer).toEqual({ kind: "snapshot" });
  });

  it("answers what it does not understand with an error, and the socket stays", () => {
    const cases = [
      ["not json", "bad_message"],
      ['{"type":"subscribe"}', "bad_message"],
      [new Uint8Array(8), "bad_message"],
      [`{"type":"ping","ref":"${"x".repeat(LIMITS.frameBytes)}"}`, "too_large"],
    ] as const;
    for (const [data, code] of cases) {
      const { answer } = answerFrame(null, data, NOW);
      expect(answer).toMatchObject({ kind: "reply", message: { type: "error", code } });
    }
  });

  it("refuses frames over the budget, and closes a socket that keeps flooding", () => {
    let window: FrameWindow | null = null;
    const kinds: string[] = [];
    // All at once: the burst passes, then every frame is refused until the flood limit.
    for (let i = 0; i < LIMITS.frameBurst + LIMITS.floodRefusals + 1; i++) {
      const next = answerFrame(window, '{"type":"ping"}', NOW);
      window = next.window;
      const { answer } = next;
      kinds.push(answer.kind === "reply" ? answer.message.type : answer.kind);
    }
    expect(kinds.slice(0, LIMITS.frameBurst).every((k) => k === "pong")).toBe(true);
    expect(kinds[LIMITS.frameBurst]).toBe("error");
    expect(kinds.at(-1)).toBe("close");
  });
});
