import { describe, expect, it } from "vitest";
import {
  parseTickerFrame,
  type Quote,
  type Snapshot,
  type Tick,
  type TicksMessage,
} from "../../party/protocol/index.ts";
import {
  applyFrame,
  decimalsFor,
  initialTickerState,
  MAX_TICKS,
  markResyncing,
  needsResync,
  refuse,
  type TickerState,
} from "./ticker-state.ts";

const T0 = Date.UTC(2026, 10, 25, 14, 0);

const quote = (price: number, time: number): Quote => ({
  price,
  open: 100,
  high: Math.max(100, price),
  low: Math.min(100, price),
  prevClose: 100,
  change: price - 100,
  changePct: price - 100,
  volume: 10,
  time,
});

function snapshot(seq: number, ticks: Tick[], extra: Partial<Snapshot> = {}): Snapshot {
  const last = ticks[ticks.length - 1];
  return {
    type: "snapshot",
    v: 1,
    symbol: "AAPL",
    source: "sim",
    seq,
    serverTime: T0,
    quote: last ? quote(last[1], last[0]) : null,
    candles: [[T0, 100, 100, 100, 100, 10]],
    ticks,
    ...extra,
  };
}

function ticksFrame(seq: number, ticks: Tick[]): TicksMessage {
  const last = ticks[ticks.length - 1] as Tick;
  return { type: "ticks", symbol: "AAPL", seq, ticks, quote: quote(last[1], last[0]) };
}

const ready = (): TickerState =>
  applyFrame(initialTickerState("AAPL"), snapshot(10, [[T0 + 1000, 100, 5]]));

describe("applyFrame", () => {
  it("loads a snapshot", () => {
    const state = ready();
    expect(state.phase).toBe("ready");
    expect(state.source).toBe("sim");
    expect(state.seq).toBe(10);
    expect(state.quote?.price).toBe(100);
    expect(state.epoch).toBe(1);
    expect(state.spark).toEqual([]);
  });

  it("keeps a quote-mode snapshot's spark, and drops it with the next snapshot without one", () => {
    const withSpark = applyFrame(
      initialTickerState("AAPL"),
      snapshot(10, [[T0, 100, 1]], { spark: [98, 99.5, 100] }),
    );
    expect(withSpark.spark).toEqual([98, 99.5, 100]);
    expect(applyFrame(withSpark, snapshot(11, [[T0 + 1, 101, 1]])).spark).toEqual([]);
  });

  it("appends the next ticks and keeps the one-minute candles current", () => {
    const state = applyFrame(
      ready(),
      ticksFrame(12, [
        [T0 + 2000, 101, 1],
        [T0 + 3000, 99.5, 2],
      ]),
    );
    expect(state.seq).toBe(12);
    expect(state.ticks).toHaveLength(3);
    expect(state.appended).toBe(2);
    expect(state.quote?.price).toBe(99.5);
    expect(state.candles).toEqual([[T0, 100, 101, 99.5, 99.5, 13]]);
    expect(state.gap).toBe(false);
  });

  it("ignores a frame whose seq is not above the one held", () => {
    const state = ready();
    expect(applyFrame(state, ticksFrame(10, [[T0 + 2000, 150, 1]]))).toBe(state);
    expect(applyFrame(state, ticksFrame(7, [[T0 + 2000, 150, 1]]))).toBe(state);
  });

  it("takes only the unseen ticks of a frame that overlaps what it holds", () => {
    const state = applyFrame(
      ready(),
      ticksFrame(11, [
        [T0 + 1000, 100, 5],
        [T0 + 2000, 101, 1],
      ]),
    );
    expect(state.ticks.map((t) => t[1])).toEqual([100, 101]);
    expect(state.appended).toBe(1);
  });

  it("keeps going over a gap and marks it until the next snapshot", () => {
    const gapped = applyFrame(ready(), ticksFrame(15, [[T0 + 9000, 103, 1]]));
    expect(gapped.seq).toBe(15);
    expect(gapped.quote?.price).toBe(103);
    expect(gapped.gap).toBe(true);
    const healed = applyFrame(gapped, snapshot(20, [[T0 + 9500, 104, 1]]));
    expect(healed.gap).toBe(false);
  });

  it("replaces everything on a snapshot mid-stream (a source switch)", () => {
    const before = applyFrame(ready(), ticksFrame(11, [[T0 + 2000, 101, 1]]));
    const after = applyFrame(before, snapshot(11, [[T0 + 3000, 250, 1]], { source: "push" }));
    expect(after.source).toBe("push");
    expect(after.ticks).toEqual([[T0 + 3000, 250, 1]]);
    expect(after.appended).toBe(0);
    expect(after.epoch).toBe(before.epoch + 1);
  });

  it("ignores ticks that arrive before any snapshot", () => {
    const empty = initialTickerState("AAPL");
    expect(applyFrame(empty, ticksFrame(3, [[T0, 1, 1]]))).toBe(empty);
  });

  it("applies throttled quotes, not older ones", () => {
    const state = ready();
    const newer = applyFrame(state, {
      type: "quote",
      symbol: "AAPL",
      seq: 40,
      quote: quote(120, T0 + 5000),
    });
    expect(newer.quote?.price).toBe(120);
    expect(newer.seq).toBe(40);
    const older = applyFrame(newer, {
      type: "quote",
      symbol: "AAPL",
      seq: 30,
      quote: quote(90, T0),
    });
    expect(older).toBe(newer);
  });

  it("records error frames and keeps the data", () => {
    const state = applyFrame(ready(), { type: "error", code: "bad_message", message: "nope" });
    expect(state.lastError).toEqual({ code: "bad_message", message: "nope" });
    expect(state.quote?.price).toBe(100);
  });

  it("marks the price stale when the feed goes quiet, and fresh when it speaks again", () => {
    const live = applyFrame(
      initialTickerState("BTC-USD"),
      snapshot(5, [[T0, 101, 1]], { source: "coinbase", status: "live" }),
    );
    const quiet = applyFrame(live, {
      type: "status",
      symbol: "BTC-USD",
      status: "live",
      stale: true,
    });
    expect(quiet.quote?.stale).toBe(true);
    expect(quiet.quote?.price).toBe(101);
    expect(quiet.seq).toBe(5);
    const dropped = applyFrame(quiet, {
      type: "status",
      symbol: "BTC-USD",
      status: "reconnecting to coinbase",
      stale: true,
    });
    expect(dropped.feedStatus).toBe("reconnecting to coinbase");
    const back = applyFrame(dropped, {
      type: "status",
      symbol: "BTC-USD",
      status: "live",
      stale: false,
    });
    expect(back.quote?.stale).toBeUndefined();
    expect(back.feedStatus).toBe("live");
    expect(
      parseTickerFrame(
        JSON.stringify({ type: "status", symbol: "X", status: "live", stale: false }),
      ),
    ).not.toBeNull();
    expect(parseTickerFrame(JSON.stringify({ type: "status", symbol: "X" }))).toBeNull();
  });

  it("accepts an empty room (a real feed before its first trade)", () => {
    const state = applyFrame(initialTickerState("BTC-USD"), snapshot(0, [], { candles: [] }));
    expect(state.phase).toBe("ready");
    expect(state.quote).toBeNull();
  });

  it("bounds the tick buffer", () => {
    let state = ready();
    for (let i = 0; i < 3; i++) {
      const ticks: Tick[] = Array.from({ length: MAX_TICKS }, (_, k) => [
        T0 + 2000 + i * MAX_TICKS + k,
        100,
        1,
      ]);
      state = applyFrame(state, ticksFrame(state.seq + ticks.length, ticks));
    }
    expect(state.ticks.length).toBeLessThanOrEqual(MAX_TICKS * 1.25);
    expect(state.appended).toBe(3 * MAX_TICKS);
  });

  it("marks a refused room as an error with the server's words", () => {
    const state = refuse(initialTickerState("AAPL"), "symbols are upper case: use AAPL");
    expect(state.phase).toBe("error");
    expect(state.error).toContain("AAPL");
  });
});

describe("parseTickerFrame", () => {
  it("reads protocol frames", () => {
    const frame = parseTickerFrame(JSON.stringify(ticksFrame(3, [[T0, 1, 1]])));
    expect(frame?.type).toBe("ticks");
  });

  it("drops what is not a frame", () => {
    expect(parseTickerFrame("not json")).toBeNull();
    expect(parseTickerFrame("[1,2]")).toBeNull();
    expect(parseTickerFrame('{"type":"ticks","seq":"x","ticks":[]}')).toBeNull();
    expect(parseTickerFrame('{"type":"future-thing"}')).toBeNull();
  });
});

describe("decimalsFor", () => {
  it("shows cents for stocks and more for coins under a unit", () => {
    expect(decimalsFor([[T0, 183.2, 1]], null, 0)).toBe(2);
    expect(decimalsFor([[T0, 0.28319, 1]], null, 0)).toBe(5);
    expect(decimalsFor([[T0, 0.5, 1]], null, 0)).toBe(4);
    expect(decimalsFor([[T0, 12.345, 1]], null, 0)).toBe(3);
  });

  it("never drops below what it showed before, and stops at 8", () => {
    expect(decimalsFor([[T0, 10, 1]], null, 3)).toBe(3);
    expect(decimalsFor([[T0, 0.1 + 0.2, 1]], null, 0)).toBe(8);
  });
});

describe("a gap in seq", () => {
  const gapped = () => applyFrame(ready(), ticksFrame(15, [[T0 + 9000, 103, 1]]));

  it("asks for one resync, and no second one until a snapshot answers", () => {
    expect(needsResync(ready())).toBe(false);
    const state = gapped();
    expect(needsResync(state)).toBe(true);
    const asked = markResyncing(state);
    expect(needsResync(asked)).toBe(false);
    expect(markResyncing(asked)).toBe(asked);
    // Another gap before the snapshot asks for nothing more.
    const again = applyFrame(asked, ticksFrame(20, [[T0 + 9500, 104, 1]]));
    expect(again.gap).toBe(true);
    expect(needsResync(again)).toBe(false);
    const healed = applyFrame(again, snapshot(30, [[T0 + 9800, 104.5, 1]]));
    expect(healed.gap).toBe(false);
    expect(healed.resyncing).toBe(false);
    // A later gap is a new one.
    expect(needsResync(applyFrame(healed, ticksFrame(40, [[T0 + 9900, 105, 1]])))).toBe(true);
  });

  it("keeps showing what it holds until the snapshot, then replaces it in place", () => {
    const state = markResyncing(gapped());
    // Nothing goes back to loading: the chart keeps its data and the quote stays current.
    expect(state.phase).toBe("ready");
    expect(state.quote?.price).toBe(103);
    const after = applyFrame(
      state,
      snapshot(16, [
        [T0 + 5000, 102, 1],
        [T0 + 9000, 103, 1],
        [T0 + 9200, 103.5, 1],
      ]),
    );
    expect(after.phase).toBe("ready");
    expect(after.seq).toBe(16);
    expect(after.epoch).toBe(state.epoch + 1);
    expect(after.appended).toBe(0);
    // The ticks held from before the snapshot's window stay in front of it.
    expect(after.ticks).toEqual([
      [T0 + 1000, 100, 5],
      [T0 + 5000, 102, 1],
      [T0 + 9000, 103, 1],
      [T0 + 9200, 103.5, 1],
    ]);
    expect(after.quote?.price).toBe(103.5);
  });

  it("never keeps ticks of another source, nor of a snapshot nobody asked for", () => {
    const asked = markResyncing(gapped());
    const switched = applyFrame(asked, snapshot(16, [[T0 + 9200, 250, 1]], { source: "push" }));
    expect(switched.ticks).toEqual([[T0 + 9200, 250, 1]]);
    const unasked = applyFrame(gapped(), snapshot(16, [[T0 + 9200, 103.5, 1]]));
    expect(unasked.ticks).toEqual([[T0 + 9200, 103.5, 1]]);
  });

  it("keeps the merged ticks within the buffer's bound", () => {
    const many: Tick[] = Array.from({ length: MAX_TICKS }, (_, k) => [T0 + 2000 + k, 100, 1]);
    let state = applyFrame(ready(), ticksFrame(10 + many.length, many));
    state = markResyncing(applyFrame(state, ticksFrame(state.seq + 5, [[T0 + 9_000, 101, 1]])));
    const after = applyFrame(state, snapshot(state.seq + 1, [[T0 + 9_500, 101, 1]]));
    expect(after.ticks.length).toBe(MAX_TICKS);
    expect(after.ticks[after.ticks.length - 1]).toEqual([T0 + 9_500, 101, 1]);
  });
});

describe("the protocol version of the first frame", () => {
  it("reads a snapshot of this version and flags any other", () => {
    expect(parseTickerFrame(JSON.stringify(snapshot(1, [[T0, 1, 1]])))?.type).toBe("snapshot");
    expect(parseTickerFrame(JSON.stringify({ ...snapshot(1, []), v: 2 }))).toEqual({
      type: "unknown-version",
      v: 2,
    });
    // A newer shape need not have the fields this app reads: the version alone decides.
    expect(parseTickerFrame('{"type":"snapshot","v":"2.0","state":{}}')).toEqual({
      type: "unknown-version",
      v: "2.0",
    });
  });

  it("drops a snapshot without any version as malformed", () => {
    const { v: _, ...unversioned } = snapshot(1, [[T0, 1, 1]]);
    expect(parseTickerFrame(JSON.stringify(unversioned))).toBeNull();
  });
});
