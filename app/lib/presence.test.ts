import { describe, expect, it } from "vitest";
import type { PresenceUser } from "../../party/protocol/index.ts";
import { initialsOf, youFirst } from "./presence.ts";

describe("initialsOf", () => {
  it("takes the first letters of two words, or two letters of one", () => {
    expect(initialsOf("Ada Lovelace")).toBe("AL");
    expect(initialsOf("grace")).toBe("GR");
    expect(initialsOf("  Émile   zola ")).toBe("ÉZ");
  });

  it("counts only letters and digits, so markup is just more words", () => {
    expect(initialsOf("<img src=x onerror=alert(1)>")).toBe("IS");
    expect(initialsOf("🙂 !!")).toBe("?");
    expect(initialsOf("")).toBe("?");
  });
});

describe("youFirst", () => {
  const user = (id: string): PresenceUser => ({
    id,
    name: id,
    color: "#000000",
    role: "viewer",
    focus: null,
  });

  it("puts you first and keeps everyone else in joining order", () => {
    const users = [user("a"), user("b"), user("me"), user("c")];
    expect(youFirst(users, "me").map((u) => u.id)).toEqual(["me", "a", "b", "c"]);
    expect(youFirst(users, "nobody").map((u) => u.id)).toEqual(["a", "b", "me", "c"]);
  });
});
