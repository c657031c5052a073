import { describe, expect, it } from "vitest";
import { roomOf } from "./route.ts";

describe("roomOf", () => {
  it("names the party and the room id as written", () => {
    expect(roomOf("/parties/ticker/AAPL")).toEqual({ party: "ticker", room: "AAPL" });
    expect(roomOf("/parties/watchlist/abcDEF0123456789_-")).toEqual({
      party: "watchlist",
      room: "abcDEF0123456789_-",
    });
    expect(roomOf("/parties/ticker/%41APL")).toEqual({ party: "ticker", room: "%41APL" });
  });

  it.each([
    "/",
    "/s/AAPL",
    "/parties",
    "/parties/ticker",
    "/parties/ticker/",
    "/parties//AAPL",
    "/parties/main/AAPL",
    "/parties/Ticker/AAPL",
    "/parties/ticker/AAPL/extra",
    "/x/parties/ticker/AAPL",
  ])("names no room for %s", (path) => {
    expect(roomOf(path)).toBeNull();
  });
});
