import { describe, expect, it } from "vitest";
import { finnhub } from "./finnhub.ts";

// A trade message as Finnhub sends it: trades of several symbols batched in one frame.
const TRADES =
  '{"data":[{"c":["1","8","24","12"],"p":122.1,"s":"TSLA","t":1672348887195,"v":1},{"c":["1","24","12"],"p":129.58,"s":"AAPL","t":1672348887666,"v":1},{"c":["1","8","24","12"],"p":122.09,"s":"TSLA","t":1672348887196,"v":4}],"type":"trade"}';

describe("finnhub adapter", () => {
  const creds = { key: "tok123" };

  it("reads the token, and names it when missing", () => {
    expect(finnhub.credentials({ FINNHUB_TOKEN: " tok123 " })).toEqual({
      ok: true,
      credentials: creds,
    });
    expect(finnhub.credentials({ FINNHUB_TOKEN: "" })).toEqual({
      ok: false,
      missing: ["FINNHUB_TOKEN"],
    });
  });

  it("puts the token in the URL and subscribes per symbol on open", () => {
    expect(finnhub.url("wss://ws.finnhub.io", creds)).toBe("wss://ws.finnhub.io/?token=tok123");
    expect(finnhub.url("ws://127.0.0.1:5000/", creds)).toBe("ws://127.0.0.1:5000/?token=tok123");
    expect(finnhub.frames("open", creds, ["AAPL", "BRK.B"]).map((f) => JSON.parse(f))).toEqual([
      { type: "subscribe", symbol: "AAPL" },
      { type: "subscribe", symbol: "BRK.B" },
    ]);
    expect(finnhub.frames("authenticated", creds, ["AAPL"])).toEqual([]);
    expect(finnhub.symbol("AAPL")).toBe("AAPL");
    expect(finnhub.symbol("aapl")).toBeNull();
  });

  it("groups a batch of trades per symbol, in arrival order", () => {
    expect(finnhub.parse(TRADES)).toEqual([
      {
        kind: "trades",
        trades: [
          {
            symbol: "TSLA",
            ticks: [
              [1672348887195, 122.1, 1],
              [1672348887196, 122.09, 4],
            ],
          },
          { symbol: "AAPL", ticks: [[1672348887666, 129.58, 1]] },
        ],
      },
    ]);
  });

  it("skips price updates (volume 0), which are no trades", () => {
    expect(finnhub.parse('{"type":"trade","data":[{"p":1,"s":"AAPL","t":5,"v":0}]}')).toEqual([
      { kind: "ignore" },
    ]);
  });

  it("reads pings as heartbeats", () => {
    expect(finnhub.parse('{"type":"ping"}')).toEqual([{ kind: "heartbeat" }]);
  });

  it("refuses an invalid symbol alone, not the connection", () => {
    expect(finnhub.parse('{"msg":"Invalid symbol XYZQ","type":"error"}')).toEqual([
      { kind: "error", message: "finnhub: Invalid symbol XYZQ", fatal: true, symbol: "XYZQ" },
    ]);
    expect(finnhub.parse('{"msg":"Invalid symbol","type":"error"}')).toEqual([
      { kind: "error", message: "finnhub: Invalid symbol", fatal: false },
    ]);
    expect(finnhub.parse('{"msg":"Subscribing to too many symbols","type":"error"}')).toEqual([
      {
        kind: "error",
        message: "finnhub: Subscribing to too many symbols",
        fatal: false,
        limit: true,
      },
    ]);
  });

  it("reads refused upgrades: 401 is a bad token, 429 a limit", () => {
    expect(finnhub.refused(401)).toEqual({
      message: "finnhub refused the token (HTTP 401): check FINNHUB_TOKEN",
      fatal: true,
    });
    expect(finnhub.refused(429)).toMatchObject({ fatal: false, limit: true });
    expect(finnhub.refused(502)).toMatchObject({ fatal: false });
  });

  it("reports malformed frames and bad trades without throwing", () => {
    expect(finnhub.parse("nope")[0]).toMatchObject({ kind: "error", fatal: false });
    expect(finnhub.parse('{"type":"trade"}')[0]).toMatchObject({ kind: "error", fatal: false });
    expect(
      finnhub.parse(
        '{"type":"trade","data":[{"p":-1,"s":"AAPL","t":5,"v":1},{"p":2,"s":"AAPL","t":6,"v":3}]}',
      ),
    ).toEqual([
      { kind: "trades", trades: [{ symbol: "AAPL", ticks: [[6, 2, 3]] }] },
      {
        kind: "error",
        message: "finnhub sent 1 trade(s) without a usable symbol, price, volume or time",
        fatal: false,
      },
    ]);
  });
});
