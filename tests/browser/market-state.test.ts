/**
 * The quote header's market state in real Chromium against the real server, with the room's
 * frames rewritten on their way to the page: a stock after hours (its session, regular close and
 * 52-week range added to every quote), and a room that sends none of those fields at all. The
 * rewrite keeps the test from depending on the day or hour it runs at.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshotPath } from "../helpers/browser.ts";
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
const SESSION_FIELDS = ["session", "regularClose", "high52", "low52"];

type Quote = Record<string, unknown> & { price: number; prevClose: number };

/** Passes a symbol's room through, with every quote it sends rewritten by `edit`. */
async function rewriteQuotes(
  page: Page,
  symbol: string,
  edit: (quote: Quote) => Quote,
): Promise<void> {
  await page.routeWebSocket(new RegExp(`/parties/ticker/${symbol}(\\?|$)`), (ws) => {
    const upstream = ws.connectToServer();
    ws.onMessage((message) => upstream.send(message));
    upstream.onMessage((message) => {
      const frame = JSON.parse(String(message)) as { quote?: Quote | null };
      if (frame.quote) frame.quote = edit(frame.quote);
      ws.send(JSON.stringify(frame));
    });
  });
}

/** The figure an element shows, read back as a number (grouping and true minus signs). */
const figure = (page: Page, selector: string) =>
  page
    .locator(selector)
    .first()
    .evaluate((el) =>
      Number.parseFloat((el.textContent ?? "").replace("\u2212", "-").replace(/[^0-9.+-]/g, "")),
    );

describe("the quote header", () => {
  it("shows a stock after hours as Yahoo does: at close, then the move since, and the year's range", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: Error[] = [];
    page.on("pageerror", (error) => errors.push(error));
    // Fixed from the first quote on: the close a little under it, so the move after it is up.
    const fixed = { regularClose: 0, high52: 0, low52: 0 };
    await rewriteQuotes(page, "AAPL", (quote) => {
      if (fixed.regularClose === 0) {
        fixed.regularClose = Math.round(quote.price * 99) / 100;
        fixed.high52 = Math.round(quote.price * 1.4);
        fixed.low52 = Math.round(quote.price * 0.6);
      }
      return { ...quote, session: "post", ...fixed };
    });
    await page.goto(`${server.url}/s/AAPL`);
    await page.getByLabel("Last price").waitFor({ timeout: WAIT });
    const header = page.locator(".quote-header");
    await header.getByText("Market: After hours").waitFor({ timeout: WAIT });
    const { regularClose, high52, low52 } = fixed;

    // "At close": the regular close and the day's change to it from the previous close.
    expect(await figure(page, ".quote-part:has-text('At close') .close-price")).toBe(regularClose);
    const prevClose = await figure(page, ".stat:has(dt:text-is('Prev close')) dd");
    const dayChange = await figure(page, ".quote-part:has-text('At close') .change-abs");
    expect(dayChange).toBeCloseTo(regularClose - prevClose, 1);

    // "After hours": the live price (still the one labelled "Last price") and its move since.
    const after = header.locator(".quote-part-extended");
    expect(await after.locator(".quote-caption").textContent()).toBe("After hours");
    expect(await after.getByLabel("Last price").count()).toBe(1);
    const [price, move] = await after.evaluate((el) =>
      [".last-price", ".change-abs"].map((s) =>
        Number.parseFloat(
          (el.querySelector(s)?.textContent ?? "").replace("\u2212", "-").replace(/[^0-9.+-]/g, ""),
        ),
      ),
    );
    expect(move).toBeCloseTo((price as number) - regularClose, 1);

    const range = header.locator(".stat", { hasText: "52-week range" }).locator("dd");
    await range.waitFor({ timeout: 2000 });
    const text = (await range.textContent()) ?? "";
    expect(text).toContain(low52.toLocaleString("en-US", { minimumFractionDigits: 2 }));
    expect(text).toContain(high52.toLocaleString("en-US", { minimumFractionDigits: 2 }));
    await page.screenshot({ path: screenshotPath("screenshot-market-state.png") });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("names an open market and crypto's round-the-clock session, with no at-close figure", async () => {
    const page = await browser.newPage();
    await rewriteQuotes(page, "AAPL", (quote) => ({ ...quote, session: "regular" }));
    await rewriteQuotes(page, "BTC-USD", (quote) => ({ ...quote, session: "continuous" }));
    await page.goto(`${server.url}/s/AAPL`);
    await page.locator(".quote-header").getByText("Market: Open").waitFor({ timeout: WAIT });
    await page.getByLabel("Last price").waitFor({ timeout: WAIT });
    expect(await page.getByText("At close").count()).toBe(0);
    await page.goto(`${server.url}/s/BTC-USD`);
    await page.locator(".quote-header").getByText("Market: 24/7").waitFor({ timeout: WAIT });
    await page.getByLabel("Last price").waitFor({ timeout: WAIT });
    expect(await page.getByText("At close").count()).toBe(0);
    await page.close();
  });

  it("shows neither a state nor a 52-week range when the room sends none", async () => {
    const page = await browser.newPage();
    await rewriteQuotes(page, "AAPL", (quote) => {
      const bare: Quote = { ...quote };
      for (const field of SESSION_FIELDS) delete bare[field];
      return bare;
    });
    await page.goto(`${server.url}/s/AAPL`);
    await page.getByLabel("Last price").waitFor({ timeout: WAIT });
    await page.getByText("Day range").waitFor({ timeout: WAIT });
    const header = page.locator(".quote-header");
    expect(await header.locator(".market-state").count()).toBe(0);
    expect(await header.getByText("52-week range").count()).toBe(0);
    expect(await header.getByText("At close").count()).toBe(0);
    await page.close();
  });
});
