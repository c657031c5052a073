import { describe, expect, it } from "vitest";
import { gateTickerConnect, gateTickerRequest, isUpgrade, tickerMode } from "./gate.ts";

const upgrade = (query = "") => new Request(`http://localhost/parties/ticker/X${query}`);

async function refusal(res: Response | null) {
  expect(res).not.toBeNull();
  return {
    status: res?.status,
    body: (await res?.json()) as { error: { code: string; message: string } },
  };
}

describe("the ticker gates", () => {
  it("let canonical symbols through, in both modes", () => {
    for (const id of ["AAPL", "BRK.B", "BTC-USD"]) {
      expect(gateTickerRequest(upgrade(), id)).toBeNull();
      expect(gateTickerConnect(upgrade(), id)).toBeNull();
      expect(gateTickerConnect(upgrade("?mode=quote"), id)).toBeNull();
      expect(gateTickerConnect(upgrade("?mode=full"), id)).toBeNull();
    }
  });

  it("refuse a lower-case symbol with a 400 naming the canonical form", async () => {
    const { status, body } = await refusal(gateTickerRequest(upgrade(), "aapl"));
    expect(status).toBe(400);
    expect(body.error.code).toBe("bad_symbol");
    expect(body.error.message).toContain("AAPL");
    expect((await refusal(gateTickerConnect(upgrade(), "aapl"))).status).toBe(400);
  });

  it("read the id as the router saw it: decoded, and refused when it does not decode", async () => {
    expect((await refusal(gateTickerRequest(upgrade(), "%20AAPL"))).status).toBe(400);
    expect((await refusal(gateTickerConnect(upgrade(), "A%2FB"))).status).toBe(400);
    const broken = await refusal(gateTickerConnect(upgrade(), "%E0%A4%A"));
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toMatch(/percent-encoding/);
    expect((await refusal(gateTickerRequest(upgrade(), ""))).status).toBe(400);
  });

  it("refuse a percent-encoded spelling of a valid symbol, naming it", async () => {
    const at = (id: string, method = "GET") =>
      new Request(`http://localhost/parties/ticker/${id}`, { method });
    for (const method of ["GET", "HEAD", "POST", "DELETE"]) {
      const { status, body } = await refusal(gateTickerRequest(at("%41APL", method), "%41APL"));
      expect(status).toBe(400);
      expect(body.error.code).toBe("bad_symbol");
      expect(body.error.message).toContain("AAPL");
    }
    expect((await refusal(gateTickerConnect(at("MSF%54"), "MSF%54"))).body.error.message).toContain(
      "MSFT",
    );
    // Also where a router hands over the id decoded: the URL is what the client wrote.
    expect((await refusal(gateTickerRequest(at("%41APL"), "AAPL"))).status).toBe(400);
    expect(gateTickerRequest(at("AAPL"), "AAPL")).toBeNull();
  });

  it("refuse an unknown mode on the upgrade only", async () => {
    const { status, body } = await refusal(gateTickerConnect(upgrade("?mode=fast"), "AAPL"));
    expect(status).toBe(400);
    expect(body.error.message).toContain('"fast"');
    expect(gateTickerRequest(upgrade("?mode=fast"), "AAPL")).toBeNull();
  });
});

describe("tickerMode", () => {
  it("is quote only when asked for, and full for anything else", () => {
    expect(tickerMode("http://h/parties/ticker/A?mode=quote")).toBe("quote");
    expect(tickerMode("http://h/parties/ticker/A?mode=full")).toBe("full");
    expect(tickerMode("http://h/parties/ticker/A")).toBe("full");
    expect(tickerMode(null)).toBe("full");
    expect(tickerMode("not a url")).toBe("full");
  });
});

describe("isUpgrade", () => {
  it("is a WebSocket upgrade, in any case, and nothing else", () => {
    const req = (headers: Record<string, string> = {}) =>
      new Request("http://h/parties/ticker/A", { headers });
    expect(isUpgrade(req({ upgrade: "websocket" }))).toBe(true);
    expect(isUpgrade(req({ upgrade: "WebSocket" }))).toBe(true);
    expect(isUpgrade(req({ upgrade: "h2c" }))).toBe(false);
    expect(isUpgrade(req())).toBe(false);
  });
});
