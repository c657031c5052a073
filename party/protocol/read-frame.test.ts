import { describe, expect, it } from "vitest";
import { PROTOCOL_VERSION } from "./limits.ts";
import { readFrame, unknownVersion } from "./read-frame.ts";

describe("readFrame", () => {
  it("reads JSON objects and nothing else", () => {
    expect(readFrame('{"type":"x"}')).toEqual({ type: "x" });
    for (const text of ["", "nope", "null", "[1]", "3", '"s"']) expect(readFrame(text)).toBeNull();
  });
});

describe("unknownVersion", () => {
  it("passes the version this app speaks", () => {
    expect(unknownVersion({ type: "state", v: PROTOCOL_VERSION })).toBeNull();
  });

  it("flags any other version, whatever its type", () => {
    for (const v of [PROTOCOL_VERSION + 1, 0, "2", null, { major: 2 }]) {
      expect(unknownVersion({ type: "snapshot", v })).toEqual({ type: "unknown-version", v });
    }
  });

  it("leaves a frame without a version to the checks of its fields", () => {
    expect(unknownVersion({ type: "state" })).toBeNull();
  });
});
