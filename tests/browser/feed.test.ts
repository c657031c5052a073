/**
 * A real feed on screen: the chart page of a symbol fed by a (fake, local) Coinbase shows the
 * provider as its source, prices as they trade, and Stale when the exchange goes quiet.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeExchange, startFakeExchange } from "../fakes/fake-exchange.ts";
import { launchBrowser } from "../helpers/browser.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
let browser: Browser;
let coinbase: FakeExchange;

beforeAll(async () => {
  coinbase = await startFakeExchange({ dialect: "coinbase", heartbeatMs: 500 });
  [server, browser] = await Promise.all([
    startServer({ env: { FEEDS: "BTC-USD=coinbase", COINBASE_WS_URL: coinbase.url } }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
  await coinbase?.close();
});

describe("a symbol fed by an exchange", () => {
  it("shows the provider, its trades, and Stale when it goes quiet", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/s/BTC-USD`);
    await page
      .getByText("COINBASE", { exact: true })
      .waitFor({ state: "visible", timeout: 10_000 });
    await coinbase.waitFor(
      () => coinbase.subscribers("BTC-USD") === 1,
      10_000,
      "the room's subscription",
    );

    coinbase.trade("BTC-USD", 64321.5, 0.3);
    const lastPrice = page.getByLabel("Last price");
    await expect.poll(() => lastPrice.textContent(), { timeout: 5000 }).toContain("64,321.5");
    expect(await page.getByText("STALE", { exact: true }).count()).toBe(0);

    coinbase.silence({ newSockets: false });
    await page.getByText("STALE", { exact: true }).waitFor({ state: "visible", timeout: 15_000 });

    coinbase.speak();
    await page.getByText("STALE", { exact: true }).waitFor({ state: "hidden", timeout: 30_000 });
    await page.close();
  });
});
