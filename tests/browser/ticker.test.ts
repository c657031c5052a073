/**
 * The chart page in real Chromium against a real `partykit dev`: what a person sees when they
 * open /s/AAPL, when the server dies, and when it comes back.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, percentile, rangeFigures, screenshotPath } from "../helpers/browser.ts";
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

const lastPrice = (page: Page) => page.getByLabel("Last price");
const status = (page: Page) => page.getByRole("status");

/** Resolves with the next change of the last price: its text and the tick time it shows. */
async function nextPriceChange(
  page: Page,
  timeoutMs: number,
): Promise<{ text: string; time: number }> {
  const before = await lastPrice(page).getAttribute("data-time");
  await page.waitForFunction(
    (prev) =>
      document.querySelector('[aria-label="Last price"]')?.getAttribute("data-time") !== prev,
    before,
    { timeout: timeoutMs },
  );
  return {
    text: (await lastPrice(page).textContent()) ?? "",
    time: Number(await lastPrice(page).getAttribute("data-time")),
  };
}

/**
 * Watches the last price for a while and reports how long after each tick's time it reached
 * the screen (browser and server share this machine's clock).
 */
async function tickToScreen(page: Page, ms: number): Promise<number[]> {
  return page.evaluate(async (duration) => {
    const el = document.querySelector('[aria-label="Last price"]');
    if (!el) return [];
    const delays: number[] = [];
    const observer = new MutationObserver(() => {
      const time = Number(el.getAttribute("data-time"));
      // Painted in the next frame: measure when it is on screen, not when the DOM changed.
      requestAnimationFrame(() => delays.push(Date.now() - time));
    });
    observer.observe(el, { attributes: true, childList: true, characterData: true, subtree: true });
    await new Promise((r) => setTimeout(r, duration));
    observer.disconnect();
    return delays;
  }, ms);
}

/** The two figures of a range in the quote header, as numbers. */
async function rangeOf(page: Page, label: string): Promise<[number, number]> {
  const figures = page.locator(".quote-header .stat", { hasText: label }).locator(".range-text");
  await figures.waitFor({ timeout: 5000 });
  const [low, high] = await rangeFigures(figures);
  return [low ?? Number.NaN, high ?? Number.NaN];
}

describe("the chart page", () => {
  it("draws a live chart, shows Live, and moves the last price within 5 seconds", async () => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    await page.goto(`${server.url}/s/AAPL`);
    await expect.poll(() => status(page).textContent(), { timeout: 10_000 }).toBe("Live");
    await page.locator('[data-testid="chart"] canvas').first().waitFor({ timeout: 10_000 });
    const first = await nextPriceChange(page, 5000);
    expect(first.time).toBeGreaterThan(Date.now() - 10_000);
    await page.getByText("SIM", { exact: true }).waitFor({ state: "visible", timeout: 2000 });
    // The year's range beside the day's, and holding it.
    const [low52, high52] = await rangeOf(page, "52-week range");
    const [dayLow, dayHigh] = await rangeOf(page, "Day range");
    expect(low52).toBeLessThan(high52);
    expect(low52).toBeLessThanOrEqual(dayLow);
    expect(dayHigh).toBeLessThanOrEqual(high52);

    const delays = await tickToScreen(page, 4000);
    expect(delays.length).toBeGreaterThan(2);
    const p50 = percentile(delays, 50);
    const p95 = percentile(delays, 95);
    console.log(`tick-to-screen over ${delays.length} ticks: p50 ${p50} ms, p95 ${p95} ms`);
    expect(p95).toBeLessThan(250);

    await page.screenshot({ path: screenshotPath("screenshot-chart.png") });
    await page.close();
  });

  it("says Reconnecting when the server dies and goes back to Live when it returns", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/s/MSFT`);
    await expect.poll(() => status(page).textContent(), { timeout: 10_000 }).toBe("Live");
    await nextPriceChange(page, 5000);

    await server.kill9();
    await expect.poll(() => status(page).textContent(), { timeout: 5000 }).toBe("Reconnecting");
    const frozen = await lastPrice(page).getAttribute("data-time");

    await server.restart();
    await expect.poll(() => status(page).textContent(), { timeout: 25_000 }).toBe("Live");
    const resumed = await nextPriceChange(page, 5000);
    expect(resumed.time).toBeGreaterThan(Number(frozen));
    await page
      .locator('[data-testid="chart"] canvas')
      .first()
      .waitFor({ state: "visible", timeout: 2000 });
    await page.close();
  });

  it("canonicalises the symbol in the address", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/s/nvda`);
    await page.waitForURL(/\/s\/NVDA$/, { timeout: 5000 });
    await expect.poll(() => status(page).textContent(), { timeout: 10_000 }).toBe("Live");
    await page.close();
  });
});

describe("the home page", () => {
  it("opens a symbol typed in lower case and streams the popular tiles", async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await expect.poll(() => status(page).textContent(), { timeout: 10_000 }).toBe("Live");
    const search = page.getByRole("combobox", { name: "Search symbol" });
    await search.fill("tsla");
    await search.press("Enter");
    await page.waitForURL(/\/s\/TSLA$/, { timeout: 5000 });
    await expect.poll(() => lastPrice(page).textContent(), { timeout: 10_000 }).toMatch(/\d/);
    await page.close();
  });

  it("says what is wrong with a symbol that cannot be one", async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    const search = page.getByRole("combobox", { name: "Search symbol" });
    await search.fill("$$$");
    await search.press("Enter");
    await page.getByRole("alert").waitFor({ state: "visible", timeout: 5000 });
    expect(new URL(page.url()).pathname).toBe("/");
    await page.close();
  });
});
