import { describe, expect, it } from "vitest";
import {
  applyEdit,
  type EditResult,
  LIMITS,
  type WatchlistEdit,
  type WatchlistView,
} from "./index.ts";

const list = (symbols: string[], name = "Tech", version = 1): WatchlistView => ({
  id: "abcdefghijklmnop",
  name,
  symbols,
  version,
});

function ok(result: EditResult) {
  if (!result.ok) throw new Error(`expected success, got ${result.code}: ${result.message}`);
  return result;
}

describe("applyEdit", () => {
  it("adds at the end by default and at an index when given", () => {
    const a = ok(applyEdit(list(["AAPL"]), { type: "add", symbol: "MSFT" }, "editor"));
    expect(a.list.symbols).toEqual(["AAPL", "MSFT"]);
    expect(a.list.version).toBe(2);
    const b = ok(applyEdit(a.list, { type: "add", symbol: "NVDA", index: 0 }, "editor"));
    expect(b.list.symbols).toEqual(["NVDA", "AAPL", "MSFT"]);
    const c = ok(applyEdit(b.list, { type: "add", symbol: "TSLA", index: 99 }, "editor"));
    expect(c.list.symbols).toEqual(["NVDA", "AAPL", "MSFT", "TSLA"]);
  });

  it("treats a repeated intent as no change, without bumping the version", () => {
    const start = list(["AAPL", "MSFT"], "Tech", 7);
    const edits: WatchlistEdit[] = [
      { type: "add", symbol: "AAPL" },
      { type: "remove", symbol: "TSLA" },
      { type: "move", symbol: "MSFT", index: 1 },
      { type: "move", symbol: "MSFT", index: 50 },
      { type: "rename", name: "Tech" },
    ];
    for (const edit of edits) {
      const r = ok(applyEdit(start, edit, "editor"));
      expect(r.changed, JSON.stringify(edit)).toBe(false);
      expect(r.list).toBe(start);
    }
  });

  it("applies each intent once however often it is sent", () => {
    const edits: WatchlistEdit[] = [
      { type: "add", symbol: "AMZN", index: 1 },
      { type: "remove", symbol: "AAPL" },
      { type: "move", symbol: "MSFT", index: 0 },
      { type: "rename", name: "Mega caps" },
    ];
    for (const edit of edits) {
      const once = ok(applyEdit(list(["AAPL", "NVDA", "MSFT"]), edit, "editor"));
      const twice = ok(applyEdit(once.list, edit, "editor"));
      expect(once.changed).toBe(true);
      expect(twice.changed).toBe(false);
      expect(twice.list).toEqual(once.list);
    }
  });

  it("removes and moves", () => {
    const removed = ok(
      applyEdit(list(["AAPL", "MSFT", "NVDA"]), { type: "remove", symbol: "MSFT" }, "editor"),
    );
    expect(removed.list.symbols).toEqual(["AAPL", "NVDA"]);
    const moved = ok(
      applyEdit(
        list(["AAPL", "MSFT", "NVDA"]),
        { type: "move", symbol: "AAPL", index: 2 },
        "editor",
      ),
    );
    expect(moved.list.symbols).toEqual(["MSFT", "NVDA", "AAPL"]);
    const back = ok(applyEdit(moved.list, { type: "move", symbol: "AAPL", index: 0 }, "editor"));
    expect(back.list.symbols).toEqual(["AAPL", "MSFT", "NVDA"]);
    expect(back.list.version).toBe(3);
  });

  it("refuses to move a symbol that is not in the list", () => {
    const r = applyEdit(list(["AAPL"]), { type: "move", symbol: "TSLA", index: 0 }, "editor");
    expect(r).toMatchObject({ ok: false, code: "not_found" });
  });

  it("renames", () => {
    const r = ok(applyEdit(list([]), { type: "rename", name: "Crypto" }, "editor"));
    expect(r.list.name).toBe("Crypto");
    expect(r.list.version).toBe(2);
  });

  it("refuses every edit from a viewer and leaves the list alone", () => {
    const start = list(["AAPL"]);
    const edits: WatchlistEdit[] = [
      { type: "add", symbol: "MSFT" },
      { type: "remove", symbol: "AAPL" },
      { type: "move", symbol: "AAPL", index: 0 },
      { type: "rename", name: "Mine now" },
    ];
    for (const edit of edits) {
      expect(applyEdit(start, edit, "viewer")).toMatchObject({ ok: false, code: "forbidden" });
    }
    expect(start).toEqual(list(["AAPL"]));
  });

  it("holds at most 50 symbols", () => {
    const full = list(Array.from({ length: LIMITS.watchlistSymbols }, (_, i) => `S${i}`));
    expect(applyEdit(full, { type: "add", symbol: "ONEMORE" }, "editor")).toMatchObject({
      ok: false,
      code: "full",
    });
    // Adding one that is already there is still fine: no change.
    expect(ok(applyEdit(full, { type: "add", symbol: "S3" }, "editor")).changed).toBe(false);
    const less = ok(applyEdit(full, { type: "remove", symbol: "S0" }, "editor"));
    expect(
      ok(applyEdit(less.list, { type: "add", symbol: "ONEMORE" }, "editor")).list.symbols,
    ).toHaveLength(50);
  });

  it("adds a batch as one change: the new symbols in order, each once, at the index", () => {
    const r = ok(
      applyEdit(
        list(["AAPL", "MSFT"], "Tech", 4),
        { type: "add", symbols: ["NVDA", "MSFT", "AMD", "NVDA"], index: 1 },
        "editor",
      ),
    );
    expect(r.list.symbols).toEqual(["AAPL", "NVDA", "AMD", "MSFT"]);
    expect(r.list.version).toBe(5);
    const again = ok(applyEdit(r.list, { type: "add", symbols: ["AMD", "AAPL"] }, "editor"));
    expect(again.changed).toBe(false);
  });

  it("refuses a batch that does not fit, applying none of it", () => {
    const start = list(Array.from({ length: 48 }, (_, i) => `S${i}`));
    const r = applyEdit(start, { type: "add", symbols: ["S0", "A", "B", "C"] }, "editor");
    expect(r).toMatchObject({ ok: false, code: "full" });
    expect(start.symbols).toHaveLength(48);
    // Two new ones fit exactly; the one already there does not count.
    const fits = ok(applyEdit(start, { type: "add", symbols: ["S0", "A", "B"] }, "editor"));
    expect(fits.list.symbols).toHaveLength(50);
    expect(applyEdit(start, { type: "add", symbols: ["A"] }, "viewer")).toMatchObject({
      code: "forbidden",
    });
  });
});
