import { describe, expect, it } from "vitest";
import {
  AlertFiredSchema,
  AlertSetSchema,
  alertSetRequest,
  deliveryOf,
  firedRequest,
  INTERNAL_HEADER,
  isInternal,
  LINK_RETRY,
  parseLinkBody,
  retryDelayMs,
} from "./alert-link.ts";
import { fromEdge } from "./edge-headers.ts";

const LIST = "Qx7pV2mLk9RtZ3wNc8bJ4h";

describe("the internal requests", () => {
  it("address the other room, marked as internal, with the documented bodies", async () => {
    const set = {
      list: LIST,
      seq: 3,
      armed: [{ id: "a1", when: "above" as const, value: 250, armedAt: 1 }],
    };
    const toTicker = alertSetRequest("BRK.B", set);
    expect(toTicker.method).toBe("POST");
    expect(new URL(toTicker.url).pathname + new URL(toTicker.url).search).toBe(
      "/parties/ticker/BRK.B?alerts",
    );
    expect(isInternal(toTicker)).toBe(true);
    expect(parseLinkBody(AlertSetSchema, await toTicker.text())).toEqual({ ok: true, value: set });

    const firing = { alertId: "a1", symbol: "BRK.B", price: 250.5, time: 2 };
    const toList = firedRequest(LIST, firing);
    expect(new URL(toList.url).pathname + new URL(toList.url).search).toBe(
      `/parties/watchlist/${LIST}?fired`,
    );
    expect(toList.headers.get(INTERNAL_HEADER)).toBe("1");
    expect(parseLinkBody(AlertFiredSchema, await toList.text())).toEqual({
      ok: true,
      value: firing,
    });
  });

  it("cannot be forged from outside: the edge strips the header", async () => {
    const forged = () =>
      new Request(`https://example.test/parties/watchlist/${LIST}?fired`, {
        method: "POST",
        headers: { [INTERNAL_HEADER]: "1" },
        body: "{}",
      });
    expect(isInternal(forged())).toBe(true);
    expect(isInternal(await fromEdge(forged()))).toBe(false);
    expect(isInternal(await fromEdge(forged(), true))).toBe(false);
  });

  it("refuses bodies that are not the contract's", () => {
    expect(parseLinkBody(AlertSetSchema, null)).toMatchObject({ ok: false, status: 413 });
    expect(parseLinkBody(AlertSetSchema, "{")).toMatchObject({ ok: false, status: 400 });
    const tooMany = {
      list: LIST,
      seq: 1,
      armed: Array.from({ length: 21 }, (_, i) => ({
        id: `a${i}`,
        when: "above",
        value: 1,
        armedAt: 0,
      })),
    };
    expect(parseLinkBody(AlertSetSchema, JSON.stringify(tooMany))).toMatchObject({
      ok: false,
      status: 400,
    });
    const badFiring = { alertId: "a1", symbol: "aapl", price: 1, time: 0 };
    expect(parseLinkBody(AlertFiredSchema, JSON.stringify(badFiring))).toMatchObject({
      ok: false,
      code: "bad_request",
    });
  });
});

describe("delivery", () => {
  it("counts 2xx as delivered, a refused body as final, and everything else as a retry", () => {
    expect([200, 201, 204].map(deliveryOf)).toEqual(["delivered", "delivered", "delivered"]);
    expect([400, 413, 422].map(deliveryOf)).toEqual(["refused", "refused", "refused"]);
    // Today's ticker room answers a request it does not know with 401, 403 or 405.
    expect([401, 403, 404, 405, 408, 409, 429, 500, 503].map(deliveryOf)).toEqual(
      Array(9).fill("retry"),
    );
  });

  it("backs off from 2 s, doubling, to at most 10 minutes", () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([2000, 4000, 8000, 16000]);
    expect(retryDelayMs(9)).toBe(512_000);
    expect(retryDelayMs(10)).toBe(LINK_RETRY.maxMs);
    expect(retryDelayMs(1000)).toBe(LINK_RETRY.maxMs);
  });
});
