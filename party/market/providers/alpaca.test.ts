import { describe, expect, it } from "vitest";
import { alpaca } from "./alpaca.ts";

// Messages as the Alpaca market data stream documentation shows them.
const TRADE =
  '[{"T":"t","i":96921,"S":"AAPL","x":"D","p":126.55,"s":1,"t":"2021-02-22T15:51:44.208Z","c":["@","I"],"z":"C"}]';

describe("alpaca adapter", () => {
  const creds = { key: "AKID", secret: "SECRET" };

  it("needs both key settings and names the missing ones", () => {
    expect(alpaca.credentials({ ALPACA_KEY_ID: "AKID", ALPACA_SECRET_KEY: "SECRET" })).toEqual({
      ok: true,
      credentials: creds,
    });
    expect(alpaca.credentials({ ALPACA_KEY_ID: "AKID" })).toEqual({
      ok: false,
      missing: ["ALPACA_SECRET_KEY"],
    });
    expect(alpaca.credentials({})).toEqual({
      ok: false,
      missing: ["ALPACA_KEY_ID", "ALPACA_SECRET_KEY"],
    });
  });

  it("authenticates after the welcome and subscribes after authentication", () => {
    expect(alpaca.url("wss://stream.data.alpaca.markets/v2/iex", creds)).toBe(
      "wss://stream.data.alpaca.markets/v2/iex",
    );
    expect(alpaca.frames("open", creds, ["AAPL"])).toEqual([]);
    expect(alpaca.frames("connected", creds, ["AAPL"]).map((f) => JSON.parse(f))).toEqual([
      { action: "auth", key: "AKID", secret: "SECRET" },
    ]);
    expect(
      alpaca.frames("authenticated", creds, ["AAPL", "MSFT"]).map((f) => JSON.parse(f)),
    ).toEqual([{ action: "subscribe", trades: ["AAPL", "MSFT"] }]);
  });

  it("reads the handshake", () => {
    expect(alpaca.parse('[{"T":"success","msg":"connected"}]')).toEqual([{ kind: "connected" }]);
    expect(alpaca.parse('[{"T":"success","msg":"authenticated"}]')).toEqual([
      { kind: "authenticated" },
    ]);
    expect(
      alpaca.parse(
        '[{"T":"subscription","trades":["AAPL"],"quotes":["AMD","CLDR"],"bars":["*"],"updatedBars":[],"dailyBars":["VOO"],"statuses":["*"],"lulds":[],"corrections":["AAPL"],"cancelErrors":["AAPL"]}]',
      ),
    ).toEqual([{ kind: "subscribed", symbols: ["AAPL"] }]);
  });

  it("reads trades with nanosecond RFC 3339 times, grouped per symbol", () => {
    expect(alpaca.parse(TRADE)).toEqual([
      {
        kind: "trades",
        trades: [{ symbol: "AAPL", ticks: [[Date.UTC(2021, 1, 22, 15, 51, 44, 208), 126.55, 1]] }],
      },
    ]);
    const many =
      '[{"T":"t","S":"AAPL","p":1.5,"s":100,"t":"2024-07-24T07:56:53.639713735Z"},{"T":"q","S":"AAPL","bp":1,"ap":2},{"T":"t","S":"MSFT","p":2.5,"s":7,"t":"2024-07-24T07:56:53.640000001Z"},{"T":"t","S":"AAPL","p":1.6,"s":5,"t":"2024-07-24T07:56:54Z"}]';
    const at = Date.UTC(2024, 6, 24, 7, 56, 53);
    expect(alpaca.parse(many)).toEqual([
      {
        kind: "trades",
        trades: [
          {
            symbol: "AAPL",
            ticks: [
              [at + 639, 1.5, 100],
              [at + 1000, 1.6, 5],
            ],
          },
          { symbol: "MSFT", ticks: [[at + 640, 2.5, 7]] },
        ],
      },
    ]);
  });

  it("classifies the documented error codes", () => {
    const error = (code: number, msg: string) =>
      alpaca.parse(JSON.stringify([{ T: "error", code, msg }]))[0];
    expect(error(402, "auth failed")).toEqual({
      kind: "error",
      message: "alpaca: auth failed (402): check ALPACA_KEY_ID and ALPACA_SECRET_KEY",
      fatal: true,
    });
    expect(error(406, "connection limit exceeded")).toEqual({
      kind: "error",
      message:
        "alpaca: connection limit exceeded (406): another session uses this key; Alpaca allows one",
      fatal: false,
      limit: true,
    });
    expect(error(405, "symbol limit exceeded")).toMatchObject({ fatal: true });
    expect(error(409, "insufficient subscription")).toMatchObject({ fatal: true });
    expect(error(400, "invalid syntax")).toMatchObject({ fatal: true });
    expect(error(404, "auth timeout")).toMatchObject({ fatal: false });
    expect(error(401, "not authenticated")).toMatchObject({ fatal: false });
    expect(error(407, "slow client")).toMatchObject({ fatal: false, limit: true });
    expect(error(500, "internal error")).toMatchObject({ fatal: false });
    expect(error(499, "something new")).toMatchObject({ fatal: false });
  });

  it("reads refused upgrades", () => {
    expect(alpaca.refused(401)).toMatchObject({ fatal: true });
    expect(alpaca.refused(429)).toMatchObject({ fatal: false, limit: true });
  });

  it("reports malformed frames and trades without throwing", () => {
    expect(alpaca.parse("garbage")[0]).toMatchObject({ kind: "error", fatal: false });
    expect(alpaca.parse("[1]")[0]).toMatchObject({ kind: "error", fatal: false });
    expect(alpaca.parse('[{"T":"t","S":"AAPL","p":1,"s":1,"t":"2021-02-30"}]')[0]).toMatchObject({
      kind: "error",
      fatal: false,
    });
    expect(alpaca.parse('[{"T":"b","S":"AAPL"}]')).toEqual([{ kind: "ignore" }]);
  });
});
