import { describe, expect, it } from "vitest";
import { notifyChoice } from "./alert-notify.ts";

describe("the Notify me control", () => {
  it("offers to ask until the browser has been asked, and says when it refuses", () => {
    expect(notifyChoice(null, null)).toBe("unsupported");
    expect(notifyChoice("default", null)).toBe("ask");
    expect(notifyChoice("default", true)).toBe("ask");
    expect(notifyChoice("denied", true)).toBe("blocked");
  });

  it("is on once permission is granted, unless this person turned it off", () => {
    expect(notifyChoice("granted", true)).toBe("on");
    expect(notifyChoice("granted", false)).toBe("off");
    // Granted to the site before, but never switched on here: it asks, nothing is shown.
    expect(notifyChoice("granted", null)).toBe("ask");
  });
});
