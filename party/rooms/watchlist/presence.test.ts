import { describe, expect, it } from "vitest";
import {
  leastUsedColor,
  newUser,
  type Presence,
  presenceFrame,
  presenceUsers,
} from "./presence.ts";

describe("leastUsedColor", () => {
  it("gives eight people eight different colours, then starts reusing the least used", () => {
    const taken: string[] = [];
    for (let i = 0; i < 8; i++) taken.push(leastUsedColor(taken, `user-${i}`));
    expect(new Set(taken).size).toBe(8);
    const ninth = leastUsedColor(taken, "user-8");
    const tenth = leastUsedColor([...taken, ninth], "user-9");
    expect(tenth).not.toBe(ninth);
  });

  it("is the same for the same people and newcomer", () => {
    expect(leastUsedColor(["#e5484d"], "abc")).toBe(leastUsedColor(["#e5484d"], "abc"));
    expect(leastUsedColor([], "abc")).toMatch(/^#[0-9a-f]{6}$/);
  });
});

describe("newUser", () => {
  it("takes the trimmed name asked for, or Guest when there is none or it is not valid", () => {
    expect(newUser("u1", "  Ann  ", []).name).toBe("Ann");
    for (const name of [null, "", "   ", "n".repeat(41), "\u202Eecila\u200B"]) {
      expect(newUser("u1", name, []).name).toBe("Guest");
    }
    expect(newUser("u1", "<b>Ann</b>", []).name).toBe("<b>Ann</b>");
  });

  it("picks a colour nobody present wears, ignoring sockets still joining", () => {
    const ann = newUser("ann", "Ann", []);
    const here: (Presence | null)[] = [{ user: ann, role: "editor", focus: null }, null];
    const ben = newUser("ben", "Ben", here);
    expect(ben).toMatchObject({ id: "ben", name: "Ben" });
    expect(ben.color).not.toBe(ann.color);
  });
});

describe("presenceUsers", () => {
  it("lists everyone joined, in order, with role and focus", () => {
    const ann = { id: "a", name: "Ann", color: "#e5484d" };
    const ben = { id: "b", name: "Ben", color: "#0090ff" };
    expect(
      presenceUsers([
        { user: ann, role: "editor", focus: "AAPL" },
        null,
        { user: ben, role: "viewer", focus: null },
      ]),
    ).toEqual([
      { ...ann, role: "editor", focus: "AAPL" },
      { ...ben, role: "viewer", focus: null },
    ]);
  });
});

describe("presenceFrame", () => {
  it("counts everyone joined and lists the first 50", () => {
    const present: (Presence | null)[] = [null];
    for (let i = 0; i < 70; i++) {
      present.push({
        user: { id: `u${i}`, name: `P${i}`, color: "#e5484d" },
        role: "viewer",
        focus: null,
      });
    }
    const frame = presenceFrame(present);
    expect(frame.type).toBe("presence");
    expect(frame.count).toBe(70);
    expect(frame.users.map((u) => u.id)).toEqual(Array.from({ length: 50 }, (_, i) => `u${i}`));
  });
});
