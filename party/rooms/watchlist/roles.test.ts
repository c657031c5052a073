import { describe, expect, it } from "vitest";
import { newEditKey, roleFor } from "./roles.ts";
import { sha256Hex } from "./secrets.ts";

describe("newEditKey", () => {
  it("hands out a 128-bit key and keeps its hash", async () => {
    const { editKey, keyHash } = await newEditKey();
    expect(editKey).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(keyHash).toBe(await sha256Hex(editKey));
    expect((await newEditKey()).editKey).not.toBe(editKey);
  });
});

describe("roleFor", () => {
  it("makes the key holder an editor and everyone else a viewer", async () => {
    const { editKey, keyHash } = await newEditKey();
    expect(await roleFor(editKey, keyHash)).toBe("editor");
    for (const other of [null, "", `${editKey}x`, editKey.slice(1), keyHash]) {
      expect(await roleFor(other, keyHash), String(other)).toBe("viewer");
    }
  });
});
