import { describe, expect, it } from "vitest";
import { gateWatchlistConnect, gateWatchlistRequest } from "./gate.ts";

const ID = "Qx7pV2mLk9RtZ3wNc8bJ4h";
const req = (query = "") => new Request(`http://localhost/parties/watchlist/${ID}${query}`);

async function refusal(res: Response | null) {
  if (!res) throw new Error("expected a refusal");
  return { status: res.status, body: (await res.json()) as { error: { code: string } } };
}

describe("gateWatchlistRequest", () => {
  it("lets a canonical id through", () => {
    expect(gateWatchlistRequest(req(), ID)).toBeNull();
  });

  it.each([
    ["too short", "abc"],
    ["bad characters", "abcdefghijklmnop!"],
    ["too long", "a".repeat(65)],
    ["one character repeated", "aaaaaaaaaaaaaaaa"],
    ["a straight run", "abcdefghijklmnop"],
    ["percent-encoded", `%51${ID.slice(1)}`],
    ["percent-encoded throughout", [...ID].map((c) => `%${c.charCodeAt(0).toString(16)}`).join("")],
    ["not valid percent-encoding", `${ID}%`],
  ])("refuses an id that is %s with 400", async (_why, id) => {
    expect(await refusal(gateWatchlistRequest(req(), id))).toMatchObject({
      status: 400,
      body: { error: { code: "bad_request" } },
    });
  });
});

describe("gateWatchlistConnect", () => {
  it("lets through an upgrade with no name or a valid one", () => {
    expect(gateWatchlistConnect(req(), ID)).toBeNull();
    expect(gateWatchlistConnect(req("?name=%20Ann%20&key=x"), ID)).toBeNull();
  });

  it("refuses a bad id, and a display name that is empty or over 40 characters", async () => {
    expect((await refusal(gateWatchlistConnect(req(), "short"))).status).toBe(400);
    for (const name of ["", "   ", "n".repeat(41), "\u202Eecila\u200B", "Ann\u0000"]) {
      const query = `?name=${encodeURIComponent(name)}`;
      expect(await refusal(gateWatchlistConnect(req(query), ID))).toMatchObject({
        status: 400,
        body: { error: { code: "bad_request" } },
      });
    }
  });
});
