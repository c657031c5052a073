/**
 * Real Chromium for browser tests: Debian's `chromium` package driven by playwright-core
 * (`npx playwright install` cannot download a browser here, and a system browser is what CI
 * installs with apt). The flags keep it from reaching for the network on its own.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Locator, type Page } from "playwright-core";
import { ROOT } from "../../scripts/settings.ts";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-quic",
  "--disable-sync",
  "--no-first-run",
];

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `no Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`,
    );
  }
  if (!existsSync(join(ROOT, "dist", "index.html"))) {
    throw new Error("the app is not built: run `npm run build` first (npm test does)");
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: FLAGS, timeout: 30_000 });
}

/** Where screenshots go: docs/ when asked to refresh them, test-results/ otherwise. */
export function screenshotPath(name: string): string {
  return process.env.UPDATE_SCREENSHOTS
    ? join(ROOT, "docs", name)
    : join(ROOT, "test-results", name);
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** A frame on one of a page's sockets, as the browser sent or received it. */
export type WireFrame = { url: string; at: number; data: Record<string, unknown> };

/** Everything a page asked of the network: what a server could see, and could log. */
export type Traffic = {
  /** Every HTTP request (documents, scripts, fetches) with its headers. */
  requests: { url: string; headers: Record<string, string> }[];
  /** Every WebSocket the page opened, by URL. */
  sockets: string[];
  sent: WireFrame[];
  received: WireFrame[];
};

/** Records a page's traffic from now on. Frames that are not JSON objects are left out. */
export function recordTraffic(page: Page): Traffic {
  const traffic: Traffic = { requests: [], sockets: [], sent: [], received: [] };
  const frame = (url: string, payload: string | Buffer): WireFrame | null => {
    try {
      const data = JSON.parse(String(payload)) as unknown;
      return typeof data === "object" && data !== null
        ? { url, at: Date.now(), data: data as Record<string, unknown> }
        : null;
    } catch {
      return null;
    }
  };
  page.on("request", (request) => {
    traffic.requests.push({ url: request.url(), headers: request.headers() });
  });
  page.on("websocket", (ws) => {
    const url = ws.url();
    traffic.sockets.push(url);
    ws.on("framesent", ({ payload }) => {
      const f = frame(url, payload);
      if (f) traffic.sent.push(f);
    });
    ws.on("framereceived", ({ payload }) => {
      const f = frame(url, payload);
      if (f) traffic.received.push(f);
    });
  });
  return traffic;
}

/** The figures a range (`.range-text`: low to high) shows, as numbers, in order. */
export async function rangeFigures(range: Locator): Promise<number[]> {
  const text = (await range.textContent()) ?? "";
  return (text.match(/\d[\d,]*(\.\d+)?/g) ?? []).map((n) => Number(n.replace(/,/g, "")));
}
