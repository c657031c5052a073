import { describe, expect, it } from "vitest";
import { bearerKey, newEditKey, roleFor } from "./roles.ts";
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

describe("bearerKey", () => {
  it("reads the key of a bearer header, whatever the case of the scheme", () => {
    for (const header of ["Bearer k3y", "bearer k3y", "BEARER  k3y ", "bEaReR\tk3y"]) {
      expect(bearerKey(header), header).toBe("k3y");
    }
    for (const header of [null, "", "k3y", "Basic k3y", "Bearer", "Bearer a b"]) {
      expect(bearerKey(header), String(header)).toBeNull();
    }
  });
});
