/**
 * Long chart ranges in real Chromium against the running server: choosing 1Y from the keyboard
 * draws a year of daily candles, the address keeps the range so that a shared link shows the
 * same chart, and a timeframe brings the live day back.
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

const DAY = 86_400_000;
const chart = (page: Page) => page.getByTestId("chart");
const button = (page: Page, name: string) => page.getByRole("button", { name, exact: true });

/** What the chart says it shows, once it shows `range`. */
async function shown(page: Page, range: string) {
  await page.locator(`[data-testid="chart"][data-range="${range}"][data-bars]`).waitFor({
    timeout: 15_000,
  });
  const el = chart(page);
  return {
    interval: await el.getAttribute("data-interval"),
    bars: Number(await el.getAttribute("data-bars")),
    first: Date.parse(`${await el.getAttribute("data-first")}T00:00:00Z`),
    last: Date.parse(`${await el.getAttribute("data-last")}T00:00:00Z`),
  };
}

describe("chart ranges", () => {
  it("shows a year of daily candles for 1Y, chosen from the keyboard, and keeps it in the address", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.url}/s/BTC-USD`);
    await expect
      .poll(() => page.getByRole("status").textContent(), { timeout: 10_000 })
      .toBe("Live");
    expect(await button(page, "1D").getAttribute("aria-pressed")).toBe("true");

    await button(page, "6M").focus();
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      return { text: el.textContent, outline: getComputedStyle(el).outlineStyle };
    });
    expect(focused).toEqual({ text: "1Y", outline: "solid" });
    await page.keyboard.press("Enter");

    const year = await shown(page, "1y");
    expect(year.interval).toBe("1day");
    expect(year.bars).toBeGreaterThanOrEqual(365);
    expect(year.bars).toBeLessThanOrEqual(367);
    expect(year.last).toBeGreaterThan(Date.now() - 2 * DAY);
    expect((year.last - year.first) / DAY).toBeGreaterThanOrEqual(364);
    await page.screenshot({ path: screenshotPath("screenshot-range.png") });
    // The newest daily candle moves with the ticks, and closes at the last price shown.
    const close = await chart(page).getAttribute("data-close");
    await expect
      .poll(() => chart(page).getAttribute("data-close"), { timeout: 15_000 })
      .not.toBe(close);
    await expect
      .poll(
        async () => {
          const shownPrice = (await page.getByLabel("Last price").textContent()) ?? "";
          const chartClose = Number(await chart(page).getAttribute("data-close"));
          return Math.abs(Number(shownPrice.replace(/[^\d.]/g, "")) - chartClose) < 0.01;
        },
        { timeout: 5000 },
      )
      .toBe(true);
    expect(new URL(page.url()).searchParams.get("range")).toBe("1y");
    expect(await button(page, "1Y").getAttribute("aria-pressed")).toBe("true");
    // The live timeframes stand aside while a long range is shown.
    expect(await button(page, "1m").getAttribute("aria-pressed")).toBe("false");

    // The same link in a new page shows the same chart.
    const shared = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await shared.goto(page.url());
    expect(await shown(shared, "1y")).toEqual(year);
    await shared.close();

    // 5Y comes in weeks; a timeframe goes back to the live day.
    await button(page, "5Y").click();
    const fiveYears = await shown(page, "5y");
    expect(fiveYears.interval).toBe("1week");
    expect(fiveYears.bars).toBeGreaterThanOrEqual(260);
    await button(page, "5m").click();
    await expect.poll(() => chart(page).getAttribute("data-range")).toBeNull();
    const url = new URL(page.url());
    expect(url.searchParams.get("range")).toBeNull();
    expect(url.searchParams.get("tf")).toBe("5m");
    expect(await button(page, "1D").getAttribute("aria-pressed")).toBe("true");
    await page.close();
  });
});
