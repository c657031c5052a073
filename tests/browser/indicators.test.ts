/**
 * Indicators and compared symbols on the chart page, in real Chromium against the real server:
 * a pane of its own for RSI and for MACD with live figures, the choice kept in the address (and
 * so in a reload or a shared link), other symbols as percent change, and the pickers from the
 * keyboard alone. Crypto symbols, which the simulator trades at any hour.
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

const WAIT = 15_000;

async function open(path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  await page.goto(`${server.url}${path}`);
  await page.getByLabel("Last price").waitFor({ state: "visible", timeout: WAIT });
  return page;
}

/** The figures the legend shows for a study (`rsi14`, `compare:ETH-USD`), or null. */
const figures = (page: Page, key: string) =>
  page.evaluate(
    (k) => document.querySelector(`[data-study="${k}"] .study-value`)?.textContent ?? null,
    key,
  );

/** Panes of their own the chart frame has made room for (RSI, MACD). */
const ownPanes = (page: Page) =>
  page.evaluate(() => document.querySelector(".chart-frame")?.getAttribute("data-study-panes"));

const search = (page: Page) => new URL(page.url()).search;

const NUMBER = /^-?\d[\d,]*\.\d\d$/;
const PERCENT = /^[+\u2212]?\d+\.\d\d%$/;

describe("indicators", () => {
  it("adds RSI and MACD in panes of their own, with figures, and keeps them in the address", async () => {
    const page = await open("/s/BTC-USD");
    const entries = await page.evaluate(() => history.length);
    expect(await ownPanes(page)).toBeNull();

    await page.getByRole("button", { name: "Indicators" }).click();
    const panel = page.getByRole("dialog", { name: "Indicators" });
    await panel.getByRole("button", { name: /^RSI/ }).click();
    await expect.poll(() => ownPanes(page), { timeout: WAIT }).toBe("1");
    await expect.poll(() => figures(page, "rsi14"), { timeout: WAIT }).toMatch(NUMBER);
    const rsi = Number((await figures(page, "rsi14"))?.replaceAll(",", ""));
    expect(rsi).toBeGreaterThanOrEqual(0);
    expect(rsi).toBeLessThanOrEqual(100);

    await panel.getByRole("button", { name: /^MACD/ }).click();
    await expect.poll(() => ownPanes(page), { timeout: WAIT }).toBe("2");
    // Line, signal and histogram.
    await expect
      .poll(async () => (await figures(page, "macd"))?.split(/\s+/).length, { timeout: WAIT })
      .toBe(3);
    expect(search(page)).toContain("ind=rsi14,macd");
    // Each choice replaced the address rather than adding to the history.
    expect(await page.evaluate(() => history.length)).toBe(entries);

    await page.reload();
    await expect.poll(() => figures(page, "rsi14"), { timeout: WAIT }).toMatch(NUMBER);
    await expect.poll(() => figures(page, "macd"), { timeout: WAIT }).toMatch(/\d/);
    expect(await ownPanes(page)).toBe("2");
    await page.screenshot({ path: screenshotPath("screenshot-indicators.png") });
    await page.close();
  });

  it("moves an indicator's last value as ticks arrive", async () => {
    const page = await open("/s/ETH-USD?ind=rsi14,macd,sma20");
    await expect.poll(() => figures(page, "rsi14"), { timeout: WAIT }).toMatch(NUMBER);
    const seen = new Set<string>();
    await expect
      .poll(
        async () => {
          seen.add(`${await figures(page, "rsi14")} ${await figures(page, "macd")}`);
          return seen.size;
        },
        { timeout: WAIT, interval: 250 },
      )
      .toBeGreaterThan(2);
    await page.close();
  });

  it("removes an indicator and its pane", async () => {
    const page = await open("/s/SOL-USD?ind=sma20,rsi14");
    await expect.poll(() => ownPanes(page), { timeout: WAIT }).toBe("1");
    await page.getByRole("button", { name: "Indicators" }).click();
    await page.getByRole("button", { name: "Remove RSI 14" }).click();
    await expect.poll(() => ownPanes(page), { timeout: WAIT }).toBe("0");
    expect(await figures(page, "rsi14")).toBeNull();
    await expect.poll(() => figures(page, "sma20"), { timeout: WAIT }).toMatch(NUMBER);
    expect(search(page)).toBe("?ind=sma20");
    await page.close();
  });

  it("works from the keyboard alone, with a visible focus ring", async () => {
    const page = await open("/s/BTC-USD");
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el) return null;
        const style = getComputedStyle(el);
        return {
          name: el.getAttribute("aria-label") ?? el.textContent?.trim() ?? "",
          ring: style.outlineStyle !== "none" && Number.parseFloat(style.outlineWidth) >= 2,
        };
      });

    // Tab from the top of the page to the button.
    let at = await focused();
    for (let i = 0; i < 40 && !at?.name.startsWith("Indicators"); i++) {
      await page.keyboard.press("Tab");
      at = await focused();
    }
    expect(at?.name).toBe("Indicators");
    expect(at?.ring).toBe(true);

    await page.keyboard.press("Enter");
    await page.getByRole("dialog", { name: "Indicators" }).waitFor({ timeout: WAIT });
    // Focus moved into the panel, on the first way to add one.
    expect((await focused())?.name).toMatch(/^SMA/);
    await page.keyboard.press("Tab");
    expect((await focused())?.name).toMatch(/^EMA/);
    expect((await focused())?.ring).toBe(true);
    await page.keyboard.press("Enter");
    await expect.poll(() => search(page), { timeout: WAIT }).toBe("?ind=ema20");

    // Back to its period, typed over.
    for (let i = 0; i < 6 && (await focused())?.name !== "EMA period"; i++) {
      await page.keyboard.press("Shift+Tab");
    }
    expect(await focused()).toEqual({ name: "EMA period", ring: true });
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.type("50");
    await page.keyboard.press("Enter");
    await expect.poll(() => search(page), { timeout: WAIT }).toBe("?ind=ema50");
    await expect.poll(() => figures(page, "ema50"), { timeout: WAIT }).toMatch(NUMBER);

    // Escape closes the panel and gives focus back to its button.
    await page.keyboard.press("Escape");
    await page.getByRole("dialog", { name: "Indicators" }).waitFor({ state: "detached" });
    expect((await focused())?.name).toMatch(/^Indicators/);
    expect(
      await page.getByRole("button", { name: /^Indicators/ }).getAttribute("aria-expanded"),
    ).toBe("false");
    await page.close();
  });
});

describe("compare", () => {
  it("shows another symbol and the chart's own as percent change, live from its own socket", async () => {
    const page = await open("/s/BTC-USD");
    const sockets: string[] = [];
    page.on("websocket", (ws) => sockets.push(new URL(ws.url()).pathname));

    await page.getByRole("button", { name: "Compare" }).click();
    const input = page.getByRole("combobox", { name: "Symbol to compare" });
    await input.fill("ethereum");
    await page.getByRole("option", { name: /ETH-USD/ }).waitFor({ timeout: WAIT });
    await input.press("ArrowDown");
    await input.press("Enter");
    await expect.poll(() => search(page), { timeout: WAIT }).toBe("?cmp=ETH-USD");

    await expect.poll(() => figures(page, "compare:ETH-USD"), { timeout: WAIT }).toMatch(PERCENT);
    await expect.poll(() => figures(page, "compare:BTC-USD"), { timeout: WAIT }).toMatch(PERCENT);
    expect(sockets.some((path) => path.endsWith("/parties/ticker/ETH-USD"))).toBe(true);

    // The compared line follows its ticks.
    const seen = new Set<string>();
    await expect
      .poll(
        async () => {
          seen.add(`${await figures(page, "compare:ETH-USD")}`);
          return seen.size;
        },
        { timeout: WAIT, interval: 250 },
      )
      .toBeGreaterThan(1);

    // Gone again, the chart shows prices.
    await page.getByRole("button", { name: "Remove ETH-USD" }).click();
    await expect.poll(() => figures(page, "compare:BTC-USD"), { timeout: WAIT }).toBeNull();
    expect(search(page)).toBe("");
    await page.close();
  });

  it("opens a shared link with the same comparison and indicators", async () => {
    const page = await open("/s/BTC-USD?ind=sma20&cmp=ETH-USD,SOL-USD");
    await expect.poll(() => figures(page, "compare:ETH-USD"), { timeout: WAIT }).toMatch(PERCENT);
    await expect.poll(() => figures(page, "compare:SOL-USD"), { timeout: WAIT }).toMatch(PERCENT);
    // Indicators on the candles are measured from the same base while comparing.
    await expect.poll(() => figures(page, "sma20"), { timeout: WAIT }).toMatch(PERCENT);
    await page.close();
  });
});
