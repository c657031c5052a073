/**
 * The quote header's market state in real Chromium against the real server, with the room's
 * frames rewritten on their way to the page: a stock after hours (its session, regular close and
 * 52-week range added to every quote), and a room that sends none of those fields at all. The
 * rewrite keeps the test from depending on the day or hour it runs at. For the chart's shading of
 * extended hours, every time in the frames is moved by whole hours to near a fixed instant, so
 * that the chart's bars fall on a known trading day.
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

type Frame = {
  quote?: Quote | null;
  serverTime?: number;
  candles?: number[][];
  ticks?: number[][];
};

const HOUR_MS = 3_600_000;

/**
 * Passes a symbol's room through, with every quote it sends rewritten by `edit`; with `near`
 * (epoch ms), every time moved by the whole hours that bring the room's clock closest to it.
 */
async function rewriteQuotes(
  page: Page,
  symbol: string,
  edit: (quote: Quote) => Quote,
  near?: number,
): Promise<void> {
  let shift: number | null = null;
  await page.routeWebSocket(new RegExp(`/parties/ticker/${symbol}(\\?|$)`), (ws) => {
    const upstream = ws.connectToServer();
    ws.onMessage((message) => upstream.send(message));
    upstream.onMessage((message) => {
      const frame = JSON.parse(String(message)) as Frame;
      if (near !== undefined) {
        shift ??= Math.round((near - (frame.serverTime ?? Date.now())) / HOUR_MS) * HOUR_MS;
        const by = shift;
        if (frame.serverTime !== undefined) frame.serverTime += by;
        for (const row of [...(frame.candles ?? []), ...(frame.ticks ?? [])]) {
          row[0] = (row[0] as number) + by;
        }
        if (frame.quote) frame.quote = { ...frame.quote, time: Number(frame.quote.time) + by };
      }
      if (frame.quote) frame.quote = edit(frame.quote);
      ws.send(JSON.stringify(frame));
    });
  });
}

/**
 * The colour the price pane shows at `at` of its width (0 to 1), a few pixels under its top, where
 * the autoscaled candles leave room: the commonest over a small block, so a grid line or the
 * edge of a band does not decide it.
 */
const paneColor = (page: Page, at: number) =>
  page.getByTestId("chart").evaluate((chart, at) => {
    const canvases = [...chart.querySelectorAll("canvas")];
    if (canvases.length === 0) return "";
    // The price pane's own canvas is the largest, and comes before the one over it of its size.
    const pane = canvases.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
    const x = Math.round(pane.width * at);
    const data = pane.getContext("2d")?.getImageData(x - 3, 4, 7, 8).data ?? [];
    const counts = new Map<string, number>();
    for (let i = 0; i < data.length; i += 4) {
      const key = `${data[i]},${data[i + 1]},${data[i + 2]}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "";
  }, at);

/**
 * Waits until the price pane has drawn its bars: three colours over a thousand pixels each, the
 * background, the grid and the candles. (Candles are drawn crisp, so counting every colour seen
 * would count little more than the antialiased edges of the last-price label.)
 */
async function untilDrawn(page: Page) {
  await page.waitForFunction(
    () => {
      const canvases = [
        ...document.querySelectorAll<HTMLCanvasElement>("[data-testid=chart] canvas"),
      ];
      if (canvases.length === 0) return false;
      const pane = canvases.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
      if (pane.width === 0) return false;
      const data = pane.getContext("2d")?.getImageData(0, 0, pane.width, pane.height).data ?? [];
      const counts = new Map<string, number>();
      for (let i = 0; i < data.length; i += 4) {
        const key = `${data[i]},${data[i + 1]},${data[i + 2]}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return [...counts.values()].filter((count) => count > 1000).length >= 3;
    },
    undefined,
    { timeout: WAIT },
  );
}

/** Waits until the chart shows two colours at these points of its width (or one, when `same`). */
async function untilPaneColors(page: Page, left: number, right: number, same: boolean) {
  const end = Date.now() + WAIT;
  for (;;) {
    const colors = [await paneColor(page, left), await paneColor(page, right)];
    if ((colors[0] === colors[1]) === same && colors[0] !== "") return colors;
    if (Date.now() > end) throw new Error(`pane colours stayed ${colors.join(" and ")}`);
    await page.waitForTimeout(100);
  }
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
    await rewriteQuotes(
      page,
      "AAPL",
      (quote) => {
        if (fixed.regularClose === 0) {
          fixed.regularClose = Math.round(quote.price * 99) / 100;
          fixed.high52 = Math.round(quote.price * 1.4);
          fixed.low52 = Math.round(quote.price * 0.6);
        }
        return { ...quote, session: "post", ...fixed };
        // Tuesday 10 March 2026, 17:30 in New York (EDT): after hours, the close at 16:00 in view.
      },
      Date.parse("2026-03-10T21:30:00Z"),
    );
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

    // The chart shades after-hours: its newest minutes (after 16:00) on another colour than
    // the regular session's, at the left of 150 minutes that end between 17:00 and 18:00.
    await untilPaneColors(page, 0.05, 0.9, false);
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

  it("shades a stock's pre-market on the chart, and nothing of crypto's at the same hours", async () => {
    // Monday 9 March 2026, 10:30 in New York (EDT, the day after the switch): the open at 9:30
    // and the pre-market before it in the 150 minutes in view.
    const morning = Date.parse("2026-03-09T14:30:00Z");
    const stock = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await rewriteQuotes(stock, "AAPL", (quote) => ({ ...quote, session: "regular" }), morning);
    await stock.goto(`${server.url}/s/AAPL`);
    await stock.getByLabel("Last price").waitFor({ timeout: WAIT });
    const [pre, regular] = await untilPaneColors(stock, 0.05, 0.9, false);
    await stock.close();

    const crypto = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: Error[] = [];
    crypto.on("pageerror", (error) => errors.push(error));
    await rewriteQuotes(crypto, "BTC-USD", (quote) => quote, morning);
    await crypto.goto(`${server.url}/s/BTC-USD`);
    await crypto.getByLabel("Last price").waitFor({ timeout: WAIT });
    await untilDrawn(crypto);
    const [left, right] = await untilPaneColors(crypto, 0.05, 0.9, true);
    // Crypto's whole pane has the regular session's colour, the chart's background.
    expect(left).toBe(regular);
    expect(right).not.toBe(pre);
    expect(errors).toEqual([]);
    await crypto.close();
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
