/**
 * The three pages against axe-core's WCAG 2.1 A and AA rules, in light and in dark, in real
 * Chromium against the real server: home, a chart, and a shared list seen by its editor while
 * someone else is there (so that both kinds of face button are on screen). Each page is checked
 * once its live prices are showing, because most of what contrast can fail is in them.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../helpers/browser.ts";
import { pushRoom, until } from "../helpers/push-room.ts";
import { startServer, type TestServer } from "../helpers/server.ts";
import { WsClient } from "../helpers/ws-client.ts";

let server: TestServer;
let browser: Browser;
const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve("axe-core/axe.min.js"),
  "utf8",
);
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const WAIT = 10_000;
const SCHEMES = ["light", "dark"] as const;
const TOKEN = "axe-push-token";

beforeAll(async () => {
  [server, browser] = await Promise.all([
    startServer({ env: { INGEST_TOKEN: TOKEN } }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

type Violation = {
  id: string;
  impact: string | null;
  nodes: { target: string; summary: string }[];
};

/** axe's findings on the page as it is now, one line per element. */
async function audit(page: Page): Promise<Violation[]> {
  // The app's policy allows only its own scripts; the context bypasses it for axe alone.
  await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async (tags) => {
    type AxeResult = {
      violations: {
        id: string;
        impact: string | null;
        nodes: { target: unknown[]; failureSummary?: string }[];
      }[];
    };
    const axe = (window as unknown as { axe: { run(c: Document, o: unknown): Promise<AxeResult> } })
      .axe;
    const result = await axe.run(document, { runOnly: { type: "tag", values: tags } });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => ({
        target: n.target.join(" "),
        summary: (n.failureSummary ?? "").replace(/\s+/g, " ").slice(0, 300),
      })),
    }));
  }, TAGS);
}

async function open(scheme: (typeof SCHEMES)[number], name?: string): Promise<Page> {
  const context = await browser.newContext({
    colorScheme: scheme,
    bypassCSP: true,
    viewport: { width: 1280, height: 860 },
  });
  if (name) await context.addInitScript((n) => localStorage.setItem("tickerroom.name", n), name);
  return context.newPage();
}

/** Waits until every quote the page shows has a price: skeletons are not what is judged. */
async function pricesShown(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector(".skeleton") === null, undefined, {
    timeout: WAIT,
  });
}

async function newList(symbols: string[]): Promise<{ id: string; editKey: string }> {
  const id = `axe-${Math.random().toString(36).slice(2, 10)}-list`;
  const res = await fetch(`${server.url}/parties/watchlist/${id}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "Checked list", symbols }),
  });
  expect(res.status).toBe(201);
  const { editKey } = (await res.json()) as { editKey: string };
  return { id, editKey };
}

/** Sets alerts on a list as its editor would, over the list's socket. */
async function setAlerts(id: string, editKey: string, alerts: object[]): Promise<void> {
  const client = await WsClient.connect(server.wsUrl(`/parties/watchlist/${id}?name=Grace`));
  try {
    await client.nextOf("state", WAIT);
    client.send(JSON.stringify({ type: "auth", key: editKey }));
    const editor = (d: unknown) => (d as { role?: string } | null)?.role === "editor";
    await client.next(editor, WAIT, "the editor's state");
    for (const [i, alert] of alerts.entries()) {
      client.send(JSON.stringify({ type: "alert", ...alert, ref: `a${i}` }));
      await client.next((d) => (d as { ref?: string })?.ref === `a${i}`, WAIT, "its ack");
    }
  } finally {
    await client.close();
  }
}

describe.each(SCHEMES)("in the %s theme", (scheme) => {
  it("the home page has no WCAG 2.1 AA violations", async () => {
    const page = await open(scheme);
    await page.goto(server.url);
    await page.getByRole("heading", { name: "Popular" }).waitFor({ timeout: WAIT });
    await pricesShown(page);
    expect(await audit(page)).toEqual([]);
    await page.context().close();
  });

  it("the chart page has no WCAG 2.1 AA violations", async () => {
    const page = await open(scheme);
    await page.goto(`${server.url}/s/AAPL`);
    await page.locator('[data-testid="chart"] canvas').first().waitFor({ timeout: WAIT });
    await page.getByLabel("Last price").waitFor({ timeout: WAIT });
    await pricesShown(page);
    expect(await audit(page)).toEqual([]);
    await page.context().close();
  });

  it("the watchlist page has no WCAG 2.1 AA violations, with a sort on", async () => {
    const { id, editKey } = await newList(["AAPL", "BTC-USD", "MSFT", "ETH-USD"]);
    // Someone else is here first, so the editor sees a face to follow beside their own.
    const other = await open(scheme, "Grace Hopper");
    await other.goto(`${server.url}/w/${id}`);
    await other.getByText("View only", { exact: true }).waitFor({ timeout: WAIT });
    const page = await open(scheme, "Ada Lovelace");
    await page.goto(`${server.url}/w/${id}?sort=changePct&dir=desc#key=${editKey}`);
    await page.getByRole("button", { name: /follow Grace Hopper/i }).waitFor({ timeout: WAIT });
    await page.getByLabel("Last price").waitFor({ timeout: WAIT });
    // The selected row is the first one in the sorted order: its colours are judged too.
    await pricesShown(page);
    expect(await audit(page)).toEqual([]);
    await page.context().close();
    await other.context().close();
  });

  it("the watchlist page has no WCAG 2.1 AA violations with alerts, a fired one's toast, the activity and the alert dialog", async () => {
    const symbol = scheme === "light" ? "AXEL" : "AXED";
    const room = pushRoom(server, TOKEN, symbol);
    await room.push(100);
    const { id, editKey } = await newList(["AAPL", symbol]);
    const page = await open(scheme, "Ada Lovelace");
    await page.goto(`${server.url}/w/${id}#key=${editKey}`);
    await page
      .getByRole("button", { name: `Set an alert on ${symbol}` })
      .waitFor({ timeout: WAIT });
    await setAlerts(id, editKey, [
      { symbol, when: "above", value: 110 },
      { symbol, when: "change-below", value: -5 },
      { symbol: "AAPL", when: "below", value: 1 },
    ]);
    await until("the alerts to be armed", async () => (await room.stats()).alertsArmed === 2);
    await room.push(111);
    await page.locator(".alert-toast").waitFor({ timeout: WAIT });
    await page.locator(`tr[data-symbol="${symbol}"][data-fired]`).waitFor({ timeout: WAIT });
    await page.getByText(`Grace’s alert on ${symbol} fired`).waitFor({ timeout: WAIT });
    await pricesShown(page);
    expect(await audit(page)).toEqual([]);

    await page.getByRole("button", { name: "Set an alert on AAPL" }).click();
    await page.getByRole("dialog", { name: "Set an alert on AAPL" }).waitFor({ timeout: WAIT });
    await page.getByRole("button", { name: "Set alert" }).click();
    await page.getByText("Enter a price.").waitFor({ timeout: WAIT });
    expect(await audit(page)).toEqual([]);
    await page.context().close();
  });
});
