/**
 * Shared drawings and live crosshairs on a list's chart, in real Chromium against the real
 * runtime: one person draws a level, moves it and deletes it while another watches; a viewer
 * sees the drawings without the tools; everyone sees everyone else's crosshair by name.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshotPath } from "../helpers/browser.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});

/** Each test's people leave before the next one's come: their charts and sockets cost. */
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

const WAIT = 20_000;

async function person(name: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  await context.addInitScript((n) => {
    if (localStorage.getItem("tickerroom.name") === null)
      localStorage.setItem("tickerroom.name", n);
  }, name);
  return context.newPage();
}

async function createList(symbols: string[]): Promise<{ id: string; key: string }> {
  const id = `draw-${Math.random().toString(36).slice(2, 12)}-${Date.now().toString(36)}`;
  const res = await fetch(`${server.url}/parties/watchlist/${id}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "Levels", symbols }),
  });
  expect(res.status).toBe(201);
  const { editKey } = (await res.json()) as { editKey: string };
  return { id, key: editKey };
}

/** Opens the list and waits until its chart shows prices. */
async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page
    .locator('[data-testid="chart"] canvas')
    .first()
    .waitFor({ timeout: 2 * WAIT });
  await page.locator(".chart-skeleton").waitFor({ state: "detached", timeout: WAIT });
}

/** A point in the chart's price pane, as fractions of the chart's box. */
async function chartPoint(page: Page, fx: number, fy: number): Promise<{ x: number; y: number }> {
  const box = await page.locator('[data-testid="chart"]').boundingBox();
  if (!box) throw new Error("the chart has no box");
  return { x: box.x + box.width * fx, y: box.y + box.height * fy };
}

const levels = (page: Page) => page.locator('.collab-list li[data-drawing="level"]');
const levelPrice = async (page: Page) =>
  Number(await levels(page).first().getAttribute("data-price"));
const tools = (page: Page) => page.getByRole("toolbar", { name: "Drawing tools" });
const pointer = (page: Page, name: string) => page.locator(".collab-pointer", { hasText: name });

/** Waits, in `other`, for `check` to hold and answers how long after `act` began it did. */
async function seenWithin(
  other: Page,
  check: (arg: string) => number | false,
  arg: string,
  act: () => Promise<void>,
): Promise<number> {
  const shown = other.waitForFunction(check, arg, { polling: 50, timeout: 5000 });
  const start = Date.now();
  await act();
  return Math.max(0, ((await (await shown).jsonValue()) as number) - start);
}

const levelAt = (price: string) =>
  [...document.querySelectorAll('.collab-list li[data-drawing="level"]')].some(
    (li) => li.getAttribute("data-price") === price,
  ) && Date.now();
const someLevel = () =>
  document.querySelector('.collab-list li[data-drawing="level"]') !== null && Date.now();
const noDrawing = () => document.querySelector(".collab-list li") === null && Date.now();

describe("shared drawings and crosshairs on a list's chart", () => {
  it("shows one person's level on another's chart within a second, moved and deleted live", async () => {
    const { id, key } = await createList(["AAPL"]);
    const [ann, ben] = await Promise.all([person("Ann"), person("Ben")]);
    await open(ann, `${server.url}/w/${id}#key=${key}`);
    await open(ben, `${server.url}/w/${id}#key=${key}`);
    await tools(ann).waitFor({ timeout: WAIT });

    // Ann draws a level: a click with the Level tool.
    const at = await chartPoint(ann, 0.5, 0.35);
    await ann.getByRole("button", { name: "Level", exact: true }).click();
    const drawn = await seenWithin(ben, someLevel, "", () => ann.mouse.click(at.x, at.y));
    expect(drawn).toBeLessThan(1000);
    const price = await levelPrice(ben);
    expect(price).toBeGreaterThan(0);
    await expect.poll(() => levelPrice(ann), { timeout: WAIT }).toBe(price);
    await expect(levels(ben).first().getAttribute("data-by")).resolves.toBe("Ann");
    // The tool goes back to selecting once the level is placed.
    await expect(
      ann.getByRole("button", { name: "Select" }).getAttribute("aria-pressed"),
    ).resolves.toBe("true");

    // Ann drags it lower: Ben sees it at its new price.
    const grab = await chartPoint(ann, 0.3, 0.35);
    await ann.mouse.move(grab.x, grab.y);
    await ann.mouse.down();
    await ann.mouse.move(grab.x, grab.y + 30, { steps: 6 });
    await ann.mouse.move(grab.x, grab.y + 60, { steps: 6 });
    await ann.mouse.up();
    await expect.poll(() => levelPrice(ben), { timeout: WAIT }).toBeLessThan(price);
    const movedTo = await levelPrice(ben);
    await expect.poll(() => levelPrice(ann), { timeout: WAIT }).toBe(movedTo);

    // Ann picks it in the list of drawings and deletes it with the Delete key.
    await levels(ann).first().getByRole("button").first().click();
    const deleted = await seenWithin(ben, noDrawing, "", () => ann.keyboard.press("Delete"));
    expect(deleted).toBeLessThan(1000);
    await expect.poll(() => levels(ann).count(), { timeout: WAIT }).toBe(0);

    // Stored with the list: someone opening it later sees what is there now.
    await ann.getByRole("button", { name: "Level", exact: true }).click();
    await ann.mouse.click(at.x, at.y);
    await ben.waitForFunction(someLevel, undefined, { timeout: WAIT });
    const stored = String(await levelPrice(ben));
    await ben.screenshot({ path: screenshotPath("screenshot-drawings.png") });
    const late = await person("Lou");
    await open(late, `${server.url}/w/${id}`);
    await late.waitForFunction(levelAt, stored, { timeout: WAIT });
    // A viewer sees the drawing, and gets no tools to change it.
    expect(await tools(late).count()).toBe(0);
    expect(await late.getByRole("button", { name: /^Delete level/ }).count()).toBe(0);
  }, 120_000);

  it("shows each person the others' crosshairs by name, and none once a pointer leaves", async () => {
    const { id, key } = await createList(["MSFT"]);
    const [ann, ben, cat] = await Promise.all([person("Ann"), person("Ben"), person("Cat")]);
    // One after the other: three charts starting at once on a small machine take their time.
    await open(ann, `${server.url}/w/${id}#key=${key}`);
    await open(ben, `${server.url}/w/${id}#key=${key}`);
    await open(cat, `${server.url}/w/${id}`);

    const a = await chartPoint(ann, 0.4, 0.3);
    await ann.mouse.move(a.x, a.y);
    await ann.mouse.move(a.x + 20, a.y + 10, { steps: 4 });
    await pointer(ben, "Ann").waitFor({ timeout: WAIT });
    // Nobody sees their own.
    expect(await pointer(ann, "Ann").count()).toBe(0);

    const b = await chartPoint(ben, 0.6, 0.4);
    await ben.mouse.move(b.x, b.y);
    await ben.mouse.move(b.x - 20, b.y + 10, { steps: 4 });
    // The third person, a viewer, follows both.
    await pointer(cat, "Ann").waitFor({ timeout: WAIT });
    await pointer(cat, "Ben").waitFor({ timeout: WAIT });
    await pointer(ann, "Ben").waitFor({ timeout: WAIT });
    // And a viewer's pointer is shown to the others too.
    const c = await chartPoint(cat, 0.5, 0.5);
    await cat.mouse.move(c.x, c.y);
    await cat.mouse.move(c.x + 10, c.y, { steps: 3 });
    await pointer(ann, "Cat").waitFor({ timeout: WAIT });
    await cat.screenshot({ path: screenshotPath("screenshot-crosshairs.png") });

    // Ann's pointer leaves the chart: it goes from the others' screens.
    await ann.mouse.move(5, 5, { steps: 3 });
    await pointer(ben, "Ann").waitFor({ state: "detached", timeout: WAIT });
    await pointer(cat, "Ann").waitFor({ state: "detached", timeout: WAIT });
    expect(await pointer(cat, "Ben").count()).toBe(1);
  }, 120_000);
});
