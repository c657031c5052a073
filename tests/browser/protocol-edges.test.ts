/**
 * The app at the edges of the wire protocol, in real Chromium against the real server with a
 * proxy in between: ticks that go missing (one `resync`, a snapshot applied in place, no flash),
 * and a server that speaks a protocol version this app does not know (a reload, never a crash).
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../helpers/browser.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

const WAIT = 10_000;

type Frame = { type: string; seq?: number; ticks?: unknown[] };

/** Resolves with the next change of the last price's tick time. */
async function nextPrice(page: Page): Promise<void> {
  const before = await page.getByLabel("Last price").getAttribute("data-time");
  await page.waitForFunction(
    (prev) =>
      document.querySelector('[aria-label="Last price"]')?.getAttribute("data-time") !== prev,
    before,
    { timeout: WAIT },
  );
}

describe("a gap in the ticks", () => {
  it("asks once for a snapshot, however many gaps come before it, and applies it in place", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: Error[] = [];
    page.on("pageerror", (error) => errors.push(error));
    const fromPage: Frame[] = [];
    const dropped: number[] = [];
    let snapshots = 0;
    // warm: pass everything; gap: one ticks frame was dropped; asked: the page's resync waits
    // while a second ticks frame is dropped; sent: the resync went on to the room.
    let stage: "warm" | "gap" | "asked" | "sent" = "warm";
    let ticksFrames = 0;
    let afterSecondGap = 0;
    let heldResync: string | null = null;

    await page.routeWebSocket(/\/parties\/ticker\/AAPL(\?|$)/, (ws) => {
      const upstream = ws.connectToServer();
      ws.onMessage((message) => {
        const frame = JSON.parse(String(message)) as Frame;
        fromPage.push(frame);
        if (frame.type === "resync" && stage === "gap") {
          stage = "asked";
          heldResync = String(message);
          return;
        }
        upstream.send(message);
      });
      upstream.onMessage((message) => {
        const frame = JSON.parse(String(message)) as Frame;
        if (frame.type === "snapshot") snapshots++;
        if (frame.type === "ticks") {
          ticksFrames++;
          if (stage === "warm" && ticksFrames === 5) {
            stage = "gap";
            dropped.push(frame.seq as number);
            return;
          }
          if (stage === "asked" && afterSecondGap === 0) {
            afterSecondGap = 1;
            dropped.push(frame.seq as number);
            return;
          }
          if (stage === "asked" && afterSecondGap === 1) {
            // The page sees the second gap with this frame, then its one resync goes on.
            ws.send(message);
            stage = "sent";
            if (heldResync) upstream.send(heldResync);
            return;
          }
        }
        ws.send(message);
      });
    });

    await page.goto(`${server.url}/s/AAPL?tf=tick`);
    await page.locator('[data-testid="chart"] canvas').first().waitFor({ timeout: WAIT });
    await page.getByLabel("Last price").waitFor({ timeout: WAIT });
    // From here on, note any skeleton the chart or the quote would flash, and keep the canvas.
    await page.evaluate(() => {
      const w = window as unknown as { flashes: number; canvas: Element | null };
      w.flashes = 0;
      w.canvas = document.querySelector('[data-testid="chart"] canvas');
      new MutationObserver(() => {
        if (document.querySelector(".chart-skeleton, .quote-skeleton")) w.flashes++;
      }).observe(document.body, { childList: true, subtree: true });
    });

    await expect.poll(() => stage, { timeout: 20_000 }).toBe("sent");
    await expect.poll(() => snapshots, { timeout: WAIT }).toBe(2);
    // Prices carry on after the snapshot, with no second resync.
    await nextPrice(page);
    await nextPrice(page);
    expect(dropped).toHaveLength(2);
    expect(fromPage.filter((f) => f.type === "resync")).toHaveLength(1);
    expect(
      await page.evaluate(() => {
        const w = window as unknown as { flashes: number; canvas: Element | null };
        return {
          flashes: w.flashes,
          sameCanvas: document.querySelector('[data-testid="chart"] canvas') === w.canvas,
        };
      }),
    ).toEqual({ flashes: 0, sameCanvas: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("a protocol version the app does not know", () => {
  it("says a newer version is available on the chart page, and reloads", async () => {
    const page = await browser.newPage();
    const errors: Error[] = [];
    page.on("pageerror", (error) => errors.push(error));
    // A server of the next version: its first frame has a shape this app has never seen.
    await page.routeWebSocket(/\/parties\/ticker\//, (ws) => {
      ws.send(JSON.stringify({ type: "snapshot", v: 2, symbol: "AAPL", book: { bids: [] } }));
    });
    await page.goto(`${server.url}/s/AAPL`);
    await page
      .getByRole("heading", { name: "A newer version is available" })
      .waitFor({ timeout: WAIT });
    const loaded = page.waitForEvent("load", { timeout: WAIT });
    await page.getByRole("button", { name: "Reload", exact: true }).click();
    await loaded;
    await page
      .getByRole("heading", { name: "A newer version is available" })
      .waitFor({ timeout: WAIT });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("says so on a watchlist too, instead of a blank page", async () => {
    const id = `version-${Date.now().toString(36)}-list`;
    const res = await fetch(`${server.url}/parties/watchlist/${id}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Versions", symbols: ["AAPL"] }),
    });
    expect(res.status).toBe(201);
    const context = await browser.newContext();
    await context.addInitScript(() => localStorage.setItem("tickerroom.name", "Ada"));
    const page = await context.newPage();
    const errors: Error[] = [];
    page.on("pageerror", (error) => errors.push(error));
    await page.routeWebSocket(/\/parties\/watchlist\//, (ws) => {
      ws.send(JSON.stringify({ type: "state", v: 2, list: { id, entries: [] } }));
    });
    await page.goto(`${server.url}/w/${id}`);
    await page
      .getByRole("heading", { name: "A newer version is available" })
      .waitFor({ timeout: WAIT });
    await page.getByRole("button", { name: "Reload", exact: true }).waitFor({ timeout: 2000 });
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe("a crowd on a list", () => {
  it("shows the faces it lists and how many more are here", async () => {
    const id = "crowded-list-0123456789";
    const context = await browser.newContext();
    await context.addInitScript(() => localStorage.setItem("tickerroom.name", "Ada"));
    const page = await context.newPage();
    const user = (i: number) => ({
      id: `u${i}`,
      name: `Person ${i}`,
      color: "#0090ff",
      role: "viewer",
      focus: null,
    });
    // The room lists at most 50 people and counts them all: here 12 listed of 73.
    await page.routeWebSocket(/\/parties\/watchlist\//, (ws) => {
      ws.send(
        JSON.stringify({
          type: "state",
          v: 1,
          id,
          name: "Crowded",
          symbols: [],
          version: 1,
          role: "viewer",
          you: { id: "u0", name: "Ada", color: "#0090ff" },
        }),
      );
      ws.send(
        JSON.stringify({
          type: "presence",
          users: Array.from({ length: 12 }, (_, i) => user(i)),
          count: 73,
        }),
      );
    });
    await page.goto(`${server.url}/w/${id}`);
    const faces = page.getByRole("list", { name: "People here" });
    await faces.getByText("+65 more", { exact: true }).waitFor({ timeout: WAIT });
    expect(await faces.getByRole("button").count()).toBe(8);
    await page.getByRole("heading", { name: "Here now · 73" }).waitFor({ timeout: 2000 });
    await page.getByText("and 61 more people", { exact: true }).waitFor({ timeout: 2000 });
    await context.close();
  });
});
