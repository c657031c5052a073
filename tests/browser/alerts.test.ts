/**
 * Shared alerts and the activity panel in real Chromium against the real server: an editor sets
 * an alert through the row's dialog, an editor and a viewer both see it armed, a pushed tick
 * crosses it, both see one toast and the row marked, the one who asked gets a browser
 * notification, and someone who opens the list later reads it all in the activity. A push room,
 * so that the crossing tick is the test's.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, recordTraffic, screenshotPath } from "../helpers/browser.ts";
import { type PushRoom, pushRoom, until } from "../helpers/push-room.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

const TOKEN = "browser-alerts-token";
const SYMBOL = "ALRTB";
const WAIT = 10_000;

let server: TestServer;
let browser: Browser;
let room: PushRoom;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([
    startServer({ env: { INGEST_TOKEN: TOKEN } }),
    launchBrowser(),
  ]);
  room = pushRoom(server, TOKEN, SYMBOL);
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

/**
 * A person in a browser context of their own, with a saved name. Notifications the page shows,
 * and every time it asks for the permission, are recorded in `window.__seen`.
 */
async function person(name: string, notifications: boolean): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  contexts.push(context);
  if (notifications) await context.grantPermissions(["notifications"], { origin: server.url });
  await context.addInitScript((n) => {
    localStorage.setItem("tickerroom.name", n);
    const seen = { notes: [] as string[], asked: 0 };
    (window as unknown as { __seen: typeof seen }).__seen = seen;
    const Real = window.Notification;
    class Recorded extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        seen.notes.push(`${title}: ${options?.body ?? ""}`);
      }
    }
    const ask = Real.requestPermission.bind(Real);
    Object.defineProperty(Recorded, "requestPermission", {
      value: () => {
        seen.asked++;
        return ask();
      },
    });
    window.Notification = Recorded as typeof Notification;
  }, name);
  return context.newPage();
}

const seen = (page: Page) =>
  page.evaluate(() => (window as unknown as { __seen: { notes: string[]; asked: number } }).__seen);
const row = (page: Page) => page.locator(`tr[data-symbol="${SYMBOL}"]`);
const alertChip = (page: Page) => page.locator(`tr[data-alerts-of="${SYMBOL}"] .row-alert`);
const markedRows = (page: Page) => page.locator("tr[data-symbol][data-fired]");

describe("a shared alert in the browser", () => {
  it("is set by an editor, fires once for everyone, and is in the activity of a late joiner", async () => {
    await room.push(100);
    const created = await fetch(`${server.url}/parties/watchlist/alerts-browser-list-01`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Alerts", symbols: [SYMBOL] }),
    });
    expect(created.status).toBe(201);
    const { editKey } = (await created.json()) as { editKey: string };
    const listUrl = `${server.url}/w/alerts-browser-list-01`;

    const ann = await person("Ann", true);
    const ben = await person("Ben", false);
    await ann.goto(`${listUrl}#key=${editKey}`);
    const benTraffic = recordTraffic(ben);
    await ben.goto(listUrl);
    await ben.getByText("View only", { exact: true }).waitFor({ timeout: WAIT });
    await row(ann).waitFor({ timeout: WAIT });
    // Nobody is asked for notifications by opening the page.
    expect((await seen(ann)).asked).toBe(0);
    expect((await seen(ben)).asked).toBe(0);

    // Ann asks for notifications; her browser already allows them, so they are on at once.
    await ann.getByRole("button", { name: "Notify me" }).click();
    await ann.getByRole("button", { name: "Notifications on" }).waitFor({ timeout: WAIT });
    expect((await seen(ann)).asked).toBe(1);

    // The dialog, by keyboard: opened from the row's button, a bad level explained, then set.
    const open = ann.getByRole("button", { name: `Set an alert on ${SYMBOL}` });
    await open.focus();
    await ann.keyboard.press("Enter");
    const dialog = ann.getByRole("dialog", { name: `Set an alert on ${SYMBOL}` });
    await dialog.waitFor({ timeout: WAIT });
    const level = dialog.getByLabel("Price", { exact: true });
    expect(await level.evaluate((el) => el === document.activeElement)).toBe(true);
    await ann.keyboard.type("0");
    await ann.keyboard.press("Enter");
    await dialog.getByText("A price level must be greater than 0.").waitFor({ timeout: 2000 });
    expect(await level.getAttribute("aria-invalid")).toBe("true");
    await level.fill("110");
    await ann.keyboard.press("Enter");
    await dialog.waitFor({ state: "detached", timeout: WAIT });
    // Focus is back on the button that opened it.
    expect(await open.evaluate((el) => el === document.activeElement)).toBe(true);

    for (const page of [ann, ben]) {
      await expect
        .poll(() => alertChip(page).textContent(), { timeout: WAIT })
        .toMatch(/Above 110\.00\s*Armed\s*by Ann/);
    }
    // The viewer sees it and can change nothing.
    expect(await ben.getByRole("button", { name: /Set an alert/ }).count()).toBe(0);
    expect(await ben.getByRole("button", { name: /Remove alert/ }).count()).toBe(0);

    await until("the ticker room to hold the armed alert", async () => {
      return (await room.stats()).alertsArmed === 1;
    });
    await room.push(105);
    // Ben's page notes its own clock when the toast is put in; both clocks are this machine's.
    type Watched = { __toastAt: Promise<number> };
    await ben.evaluate((wait) => {
      (window as unknown as Watched).__toastAt = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no toast")), wait);
        const watch = new MutationObserver(() => {
          if (document.querySelector(".alert-toast") === null) return;
          watch.disconnect();
          clearTimeout(timer);
          resolve(Date.now());
        });
        watch.observe(document.body, { childList: true, subtree: true });
      });
    }, WAIT);
    const pushedAt = Date.now();
    await room.push(111);
    const shownAt = await ben.evaluate(() => (window as unknown as Watched).__toastAt);
    const frameAt = benTraffic.received.find((f) => f.data.type === "fired")?.at ?? Number.NaN;
    console.log(
      `crossing push sent -> toast on the other screen: ${shownAt - pushedAt} ms` +
        ` (its \`fired\` frame arrived after ${frameAt - pushedAt} ms)`,
    );

    // More crossings fire nothing: the alert fired once and was disarmed.
    await room.push(100);
    await room.push(120);
    await until("the firing to be delivered", async () => (await room.stats()).alertsPending === 0);
    for (const page of [ann, ben]) {
      await expect
        .poll(() => alertChip(page).textContent(), { timeout: WAIT })
        .toMatch(/Above 110\.00\s*Fired at 111\.00\s*by Ann/);
      const toasts = page.locator(".alert-toast");
      await expect.poll(() => toasts.count(), { timeout: WAIT }).toBe(1);
      expect(await toasts.textContent()).toContain(`${SYMBOL} above 110.00: it traded at 111.00`);
      expect(await markedRows(page).count()).toBe(1);
      expect(await row(page).getAttribute("data-fired")).toBe("true");
      // The toast is in a live region that was on the page before it came.
      expect(await toasts.evaluate((el) => el.parentElement?.getAttribute("aria-live"))).toBe(
        "assertive",
      );
    }
    await ben.screenshot({ path: screenshotPath("screenshot-alerts.png") });
    // Only Ann asked for browser notifications.
    expect((await seen(ann)).notes).toEqual([
      `${SYMBOL} alert fired: ${SYMBOL} above 110.00: it traded at 111.00. Set by Ann.`,
    ]);
    expect((await seen(ben)).notes).toEqual([]);

    // Someone who comes later gets no toast, but the activity tells them.
    const cat = await person("Cat", false);
    await cat.goto(listUrl);
    const activity = cat.getByRole("list", { name: "Recent activity" });
    await activity.getByText(`Ann’s alert on ${SYMBOL} fired at 111.00`).waitFor({ timeout: WAIT });
    const lines = await activity.locator("li").allInnerTexts();
    expect(lines.slice(0, 2).map((l) => l.replace(/\s+/g, " "))).toEqual([
      `Ann’s alert on ${SYMBOL} fired at 111.00 just now`,
      `Ann set an alert on ${SYMBOL}: above 110.00 just now`,
    ]);
    expect(await cat.locator(".alert-toast").count()).toBe(0);
    await expect.poll(() => alertChip(cat).textContent(), { timeout: WAIT }).toMatch(/Fired/);

    // Ann removes it: it goes from every screen, and the activity says who did.
    await ann
      .getByRole("button", { name: `Remove alert above 110.00 on ${SYMBOL}, set by Ann` })
      .click();
    for (const page of [ann, ben, cat]) {
      await expect.poll(() => alertChip(page).count(), { timeout: WAIT }).toBe(0);
      expect(await markedRows(page).count()).toBe(0);
    }
    await cat
      .getByRole("list", { name: "Recent activity" })
      .getByText(`Ann removed an alert on ${SYMBOL}`)
      .waitFor({ timeout: WAIT });
    await Promise.all(contexts.map((c) => c.close()));
  }, 90_000);
});
