import { describe, expect, it } from "vitest";
import { LIMITS, type WatchlistClientMessage } from "../../party/protocol/index.ts";
import { manualClock } from "../../tests/helpers/manual-clock.ts";
import { ANSWER_MS, FramePacer, type OutgoingFrame, PACE } from "./frame-pacer.ts";

function setup() {
  const time = manualClock();
  const sent: { at: number; message: OutgoingFrame }[] = [];
  const pacer = new FramePacer((message) => sent.push({ at: time.now(), message }), time.clock);
  return { pacer, sent, ...time };
}

const move = (symbol: string, index: number, ref: string): WatchlistClientMessage => ({
  type: "move",
  symbol,
  index,
  ref,
});

describe("FramePacer", () => {
  it("paces frames well under the room's budget, however many are pushed", () => {
    const { pacer, sent, advance } = setup();
    expect(PACE.perSecond).toBeLessThanOrEqual(LIMITS.framesPerSecond / 2);
    expect(PACE.burst).toBeLessThanOrEqual(LIMITS.frameBurst / 2);
    for (let i = 0; i < 100; i++) pacer.push({ type: "add", symbol: `S${i}`, ref: `r${i}` });
    expect(sent).toHaveLength(PACE.burst);
    advance(10_000);
    expect(sent).toHaveLength(100);
    // In order, and never more in any second than the room allows on average.
    expect(sent.map((s) => (s.message as { symbol: string }).symbol)).toEqual(
      Array.from({ length: 100 }, (_, i) => `S${i}`),
    );
    for (const { at } of sent) {
      const inSecond = sent.filter((s) => s.at >= at && s.at < at + 1000).length;
      expect(inSecond).toBeLessThanOrEqual(PACE.burst + PACE.perSecond);
    }
  });

  it("holds a symbol's next move until the room answers the one before, then sends the latest", () => {
    const { pacer, sent, advance } = setup();
    expect(pacer.push(move("AAPL", 1, "r1"))).toBeNull();
    expect(pacer.push(move("AAPL", 2, "r2"))).toBeNull();
    // A key held down: each repeat replaces the move that waits.
    expect(pacer.push(move("AAPL", 3, "r3"))).toBe("r2");
    expect(pacer.push(move("AAPL", 4, "r4"))).toBe("r3");
    advance(1000);
    expect(sent.map((s) => s.message)).toEqual([move("AAPL", 1, "r1")]);
    pacer.settled("r1");
    expect(sent.map((s) => s.message)).toEqual([move("AAPL", 1, "r1"), move("AAPL", 4, "r4")]);
    expect(pacer.waiting).toEqual([]);
  });

  it("sends at most one frame per answer for sixty key repeats, ending on the last target", () => {
    const { pacer, sent, advance } = setup();
    let answered = 0;
    for (let i = 1; i <= 60; i++) {
      pacer.push(move("AAPL", i, `r${i}`));
      advance(33);
      // The room answers what it got within a few milliseconds.
      for (const { message } of sent.slice(answered))
        pacer.settled((message as { ref: string }).ref);
      answered = sent.length;
    }
    advance(5000);
    for (const { message } of sent.slice(answered)) pacer.settled((message as { ref: string }).ref);
    expect(sent.length).toBeLessThanOrEqual(
      Math.ceil((60 * 33 * PACE.perSecond) / 1000) + PACE.burst,
    );
    expect(sent.at(-1)?.message).toEqual(move("AAPL", 60, "r60"));
  });

  it("replaces a waiting move only when nothing else was queued after it", () => {
    const { pacer, sent } = setup();
    pacer.push(move("AAPL", 1, "r1"));
    pacer.push(move("AAPL", 2, "r2"));
    pacer.push(move("MSFT", 0, "r3"));
    // Moving AAPL again after MSFT's move must not jump ahead of it.
    expect(pacer.push(move("AAPL", 3, "r4"))).toBeNull();
    expect(pacer.waiting).toEqual([
      move("AAPL", 2, "r2"),
      move("MSFT", 0, "r3"),
      move("AAPL", 3, "r4"),
    ]);
    expect(sent).toHaveLength(1);
  });

  it("keeps one focus frame waiting, the latest", () => {
    const { pacer, sent, advance } = setup();
    for (let i = 0; i < PACE.burst; i++) pacer.push({ type: "add", symbol: `S${i}`, ref: `a${i}` });
    pacer.push({ type: "focus", symbol: "AAPL" });
    pacer.push({ type: "focus", symbol: "MSFT" });
    pacer.push({ type: "focus", symbol: null });
    expect(pacer.waiting).toEqual([{ type: "focus", symbol: null }]);
    advance(1000);
    expect(sent.at(-1)?.message).toEqual({ type: "focus", symbol: null });
    expect(sent).toHaveLength(PACE.burst + 1);
  });

  it("keeps one crosshair waiting, the latest, without holding up the edits behind it", () => {
    const { pacer, sent, advance } = setup();
    for (let i = 0; i < PACE.burst; i++) pacer.push({ type: "add", symbol: `S${i}`, ref: `a${i}` });
    for (let t = 0; t < 20; t++)
      pacer.push({ type: "crosshair", symbol: "AAPL", time: t, price: 1 });
    pacer.push({ type: "remove", symbol: "S0", ref: "r" });
    pacer.push({ type: "crosshair", symbol: null });
    expect(pacer.waiting).toEqual([
      { type: "crosshair", symbol: null },
      { type: "remove", symbol: "S0", ref: "r" },
    ]);
    advance(1000);
    expect(sent).toHaveLength(PACE.burst + 2);
  });

  it("does not wait for ever on an answer that never comes", () => {
    const { pacer, sent, advance } = setup();
    pacer.push(move("AAPL", 1, "r1"));
    pacer.push(move("AAPL", 2, "r2"));
    advance(ANSWER_MS - 1);
    expect(sent).toHaveLength(1);
    advance(1);
    expect(sent).toHaveLength(2);
  });

  it("drops what waits when the connection goes", () => {
    const { pacer, sent, advance } = setup();
    pacer.push(move("AAPL", 1, "r1"));
    pacer.push(move("AAPL", 2, "r2"));
    pacer.clear();
    expect(pacer.waiting).toEqual([]);
    advance(ANSWER_MS * 2);
    expect(sent).toHaveLength(1);
    // A move on the next connection does not wait for the old one's answer.
    pacer.push(move("AAPL", 3, "r3"));
    expect(sent).toHaveLength(2);
  });
});
