import { describe, expect, it } from "vitest";
import { parseTradesCsv, splitCsvLine } from "./trades-csv.ts";

const T = Date.UTC(2025, 2, 14, 14, 30);

describe("parseTradesCsv", () => {
  it("reads rows with or without a header, epoch or ISO times", () => {
    const withHeader = `symbol,time,price,size\nAAPL,${T},213.5,100\nBTC-USD,2025-03-14T14:30:00.250Z,83412.55,0.0015\n`;
    const without = `AAPL,${T},213.5,100\r\nBTC-USD,2025-03-14T15:30:00.250+01:00,83412.55,0.0015`;
    const expected = [
      { line: 2, symbol: "AAPL", time: T, price: 213.5, size: 100 },
      { line: 3, symbol: "BTC-USD", time: T + 250, price: 83412.55, size: 0.0015 },
    ];
    expect(parseTradesCsv(withHeader)).toEqual({ ok: true, trades: expected });
    expect(parseTradesCsv(without)).toEqual({
      ok: true,
      trades: expected.map((e) => ({ ...e, line: e.line - 1 })),
    });
  });

  it("follows the header's column order and ignores extra columns", () => {
    const csv = `time,price,venue,size,symbol\n${T},10,XNAS,5,msft\n`;
    expect(parseTradesCsv(csv)).toEqual({
      ok: true,
      trades: [{ line: 2, symbol: "MSFT", time: T, price: 10, size: 5 }],
    });
  });

  it("skips blank lines and comments, and accepts quoted fields and minutes without seconds", () => {
    const csv = `# recorded 2025-03-14\n\n"AAPL","2025-03-14T14:30Z","1.5","2"\n`;
    expect(parseTradesCsv(csv)).toEqual({
      ok: true,
      trades: [{ line: 3, symbol: "AAPL", time: T, price: 1.5, size: 2 }],
    });
  });

  it("reports every bad line with its number and a reason", () => {
    const csv = [
      "symbol,time,price,size",
      `AAPL,${T},1,1`,
      `AAPL,${T},1`,
      `bad symbol!,${T},1,1`,
      "AAPL,yesterday,1,1",
      "AAPL,1741962600,1,1",
      "AAPL,2025-03-14T14:30:00,1,1",
      `AAPL,${T},-3,1`,
      `AAPL,${T},1,0`,
      `AAPL,${T},1,abc`,
      `"AAPL,${T},1,1`,
    ].join("\n");
    const parsed = parseTradesCsv(csv);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toEqual([
      { line: 3, message: "expected 4 fields (symbol,time,price,size), found 3" },
      { line: 4, message: '"bad symbol!" is not a symbol' },
      { line: 5, message: 'time "yesterday" is neither epoch milliseconds nor an ISO 8601 time' },
      {
        line: 6,
        message: "time 1741962600 looks like epoch seconds; times are epoch milliseconds",
      },
      {
        line: 7,
        message: 'time "2025-03-14T14:30:00" has no zone: add Z (UTC) or an offset such as +01:00',
      },
      { line: 8, message: 'price "-3" is not a positive number' },
      { line: 9, message: 'size "0" is not a positive number' },
      { line: 10, message: 'size "abc" is not a positive number' },
      { line: 11, message: "a quoted field is not closed" },
    ]);
  });

  it("refuses a header without the needed columns, and a file without trades", () => {
    expect(parseTradesCsv("symbol,when,price,size\nAAPL,1,1,1")).toEqual({
      ok: false,
      problems: [
        { line: 1, message: 'the header has no "time" column; it needs symbol,time,price,size' },
      ],
    });
    expect(parseTradesCsv("symbol,time,price,size\n\n")).toEqual({
      ok: false,
      problems: [{ line: 0, message: "the file holds no trades" }],
    });
  });
});

describe("splitCsvLine", () => {
  it("splits on commas outside quotes and unescapes doubled quotes", () => {
    expect(splitCsvLine('a,"b,c","say ""hi""",')).toEqual(["a", "b,c", 'say "hi"', ""]);
    expect(splitCsvLine('"open')).toBeNull();
  });
});
