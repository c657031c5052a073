import { describe, expect, it } from "vitest";
import type { Conn } from "../host.ts";
import { newList, type StoredList } from "./list.ts";
import { refOf, send, sharedText, stateText } from "./send.ts";

describe("stateText", () => {
  it("carries the list, the role and the identity, and never the key's hash", () => {
    const list: StoredList = {
      ...newList("abcdefghijklmnop", "Tech", ["AAPL"]),
      keyHash: "f".repeat(64),
      created: 1,
    };
    const you = { id: "u1", name: "Ann", color: "#e5484d" };
    expect(JSON.parse(stateText(list, "editor", you))).toEqual({
      type: "state",
      v: 1,
      id: "abcdefghijklmnop",
      name: "Tech",
      symbols: ["AAPL"],
      version: 1,
      role: "editor",
      you,
      alerts: [],
      drawings: [],
    });
  });

  it("carries the alerts and drawings serialised once for everyone", () => {
    const list = newList("abcdefghijklmnop", "Tech", ["AAPL"]);
    const alert = {
      id: "a1",
      symbol: "AAPL",
      when: "above" as const,
      value: 200,
      by: "Ann",
      armed: true,
    };
    const drawing = {
      id: "d1",
      symbol: "AAPL",
      kind: "level" as const,
      price: 190,
      by: "Ann",
      color: "#e5484d",
    };
    const shared = sharedText({ alerts: [alert], drawings: [drawing] });
    const you = { id: "u2", name: "Ben", color: "#0090ff" };
    expect(JSON.parse(stateText(list, "viewer", you, shared))).toMatchObject({
      type: "state",
      role: "viewer",
      you,
      alerts: [alert],
      drawings: [drawing],
    });
  });
});

describe("send", () => {
  it("does not throw when the socket has closed under the room", () => {
    const closed: Conn = {
      id: "c",
      uri: null,
      state: null,
      setState: () => null,
      send: () => {
        throw new Error("WebSocket is not open");
      },
      close: () => undefined,
    };
    expect(() => send(closed, { type: "pong", serverTime: 0 })).not.toThrow();
  });
});

describe("refOf", () => {
  it("reads the ref of a frame refused for other reasons, when it can", () => {
    expect(refOf('{"type":"explode","ref":"r1"}')).toEqual({ ref: "r1" });
    expect(refOf('{"type":"explode"}')).toEqual({});
    expect(refOf("not json")).toEqual({});
    expect(refOf(`{"ref":"${"r".repeat(65)}"}`)).toEqual({});
    expect(refOf(new Uint8Array([123]))).toEqual({});
    expect(refOf(JSON.stringify({ ref: "r", pad: "x".repeat(5000) }))).toEqual({});
  });
});
