/**
 * Shared watchlists in real Chromium against a real `partykit dev`: two people editing one list
 * from two browser contexts, a third with the view link, and the edges a person would notice
 * (a refused edit, a name with markup, following someone's focus).
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, percentile, screenshotPath } from "../helpers/browser.ts";
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

const MARKUP_NAME = "<img src=x onerror=alert(1)>";
const WAIT = 10_000;

type Person = { context: BrowserContext; page: Page; dialogs: string[] };

/** A browser context of its own (its own localStorage), optionally with a saved name. */
async function person(name?: string): Promise<Person> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 760 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
  if (name) {
    await context.addInitScript((n) => {
      if (localStorage.getItem("tickerroom.name") === null)
        localStorage.setItem("tickerroom.name", n);
    }, name);
  }
  const page = await context.newPage();
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return { context, page, dialogs };
}

const addInput = (page: Page) => page.getByLabel("Add symbol", { exact: true });
const rowButton = (page: Page, symbol: string) =>
  page.locator(`li[data-symbol="${symbol}"] .wl-row-main`);
const chartSymbol = (page: Page) => page.locator("#ticker-symbol");

/** The symbols in the order the page shows them. */
const rowsOf = (page: Page) =>
  page.$$eval("li[data-symbol]", (rows) => rows.map((r) => r.getAttribute("data-symbol")));

async function addSymbol(page: Page, typed: string): Promise<void> {
  await addInput(page).fill(typed);
  await addInput(page).press("Enter");
}

/** Types a symbol and returns the edit itself, the Enter that adds it, to be timed. */
async function typedSymbol(page: Page, typed: string): Promise<() => Promise<void>> {
  await addInput(page).fill(typed);
  return () => addInput(page).press("Enter");
}

async function copied(page: Page, button: string): Promise<string> {
  await page.getByRole("button", { name: button, exact: true }).click();
  await page.getByRole("button", { name: "Copied" }).first().waitFor({ timeout: 2000 });
  return page.evaluate(() => navigator.clipboard.readText());
}

/**
 * How long an edit made on one screen takes to show on another: the other page watches for the
 * change from before the edit starts and reports its own clock when it sees it (both run on
 * this machine's clock).
 */
async function editDelay(
  other: Page,
  seen: (arg: string) => number | false,
  arg: string,
  edit: () => Promise<void>,
): Promise<number> {
  const shown = other.waitForFunction(seen, arg, { polling: "raf", timeout: 5000 });
  const start = Date.now();
  await edit();
  const at = (await (await shown).jsonValue()) as number;
  return Math.max(0, at - start);
}

// Checks run in the other page: each answers with that page's clock once it sees the change.
const hasRow = (symbol: string) =>
  document.querySelector(`li[data-symbol="${symbol}"]`) !== null && Date.now();
const lacksRow = (symbol: string) =>
  document.querySelector(`li[data-symbol="${symbol}"]`) === null && Date.now();
const orderIs = (order: string) =>
  [...document.querySelectorAll("li[data-symbol]")]
    .map((row) => row.getAttribute("data-symbol"))
    .join() === order && Date.now();
const titleIs = (name: string) =>
  document.querySelector("#wl-title")?.textContent === name && Date.now();

describe("a shared watchlist", () => {
  let alice: Person;
  let bob: Person;
  let listPath = "";
  const delays: number[] = [];

  it("is made from the home page and edited by two people, each edit on the other screen within a second", async () => {
    alice = await person("Alice");
    const a = alice.page;
    await a.goto(server.url);
    await a.getByRole("button", { name: "New watchlist" }).click();
    await a.waitForURL(/\/w\/[A-Za-z0-9_-]{22}$/, { timeout: WAIT });
    // The edit key left the address bar for storage.
    listPath = new URL(a.url()).pathname;
    await a.getByText("Add a symbol to start").waitFor({ timeout: WAIT });
    expect(await a.getByRole("status").textContent()).toBe("Live");

    for (const typed of ["aapl", "msft", "nvda"]) await addSymbol(a, typed);
    await expect.poll(() => rowsOf(a), { timeout: WAIT }).toEqual(["AAPL", "MSFT", "NVDA"]);

    // An invalid symbol is explained as it is typed, and not sent.
    await addInput(a).fill("$$$");
    await a.getByText("is not a symbol").waitFor({ timeout: 2000 });
    await addInput(a).fill("");

    const editLink = await copied(a, "Copy edit link");
    expect(editLink).toMatch(new RegExp(`${listPath}#key=[A-Za-z0-9_-]{16,}$`));

    // Bob has no saved name: the page asks once, and he answers with markup.
    bob = await person();
    const b = bob.page;
    await b.goto(editLink);
    await b.getByRole("textbox", { name: "Your name", exact: true }).fill(MARKUP_NAME);
    await b.getByRole("button", { name: "Join", exact: true }).click();
    await expect.poll(() => rowsOf(b), { timeout: WAIT }).toEqual(["AAPL", "MSFT", "NVDA"]);
    expect(new URL(b.url()).hash).toBe("");

    delays.push(await editDelay(b, hasRow, "TSLA", await typedSymbol(a, "tsla")));
    delays.push(
      await editDelay(a, lacksRow, "MSFT", () =>
        b.getByRole("button", { name: "Remove MSFT", exact: true }).click(),
      ),
    );
    await rowButton(a, "AAPL").focus();
    delays.push(
      await editDelay(b, orderIs, "NVDA,AAPL,TSLA", () => a.keyboard.press("Alt+ArrowDown")),
    );
    // The moved row keeps the keyboard focus, so a second press moves it on.
    expect(await a.evaluate(() => document.activeElement?.closest("li")?.dataset.symbol)).toBe(
      "AAPL",
    );
    delays.push(
      await editDelay(b, orderIs, "NVDA,TSLA,AAPL", () => a.keyboard.press("Alt+ArrowDown")),
    );
    delays.push(
      await editDelay(a, orderIs, "TSLA,NVDA,AAPL", () =>
        b.locator('li[data-symbol="TSLA"]').dragTo(b.locator('li[data-symbol="NVDA"]')),
      ),
    );
    delays.push(
      await editDelay(a, titleIs, "Tech watch", async () => {
        await b.getByRole("button", { name: "Watchlist", exact: true }).click();
        await b.getByLabel("List name").fill("Tech watch");
        await b.getByLabel("List name").press("Enter");
      }),
    );
    delays.push(await editDelay(b, hasRow, "BTC-USD", await typedSymbol(a, "btc-usd")));
    delays.push(await editDelay(a, hasRow, "AMZN", await typedSymbol(b, "amzn")));
    delays.push(await editDelay(b, hasRow, "ETH-USD", await typedSymbol(a, "Eth-Usd")));
    delays.push(
      await editDelay(b, lacksRow, "AMZN", () =>
        a.getByRole("button", { name: "Remove AMZN", exact: true }).click(),
      ),
    );
    delays.push(await editDelay(a, hasRow, "JPM", await typedSymbol(b, "jpm ")));

    console.log(
      `edit to other screen over ${delays.length} edits: p50 ${percentile(delays, 50)} ms, max ${Math.max(...delays)} ms (${delays.join(", ")})`,
    );
    for (const delay of delays) expect(delay).toBeLessThanOrEqual(1000);
    expect(await rowsOf(a)).toEqual(await rowsOf(b));
  });

  it("shows a display name with markup as text, and runs none of it", async () => {
    const a = alice.page;
    await a.getByText(MARKUP_NAME, { exact: true }).waitFor({ timeout: WAIT });
    expect(await a.locator('img[src="x"]').count()).toBe(0);
    const face = a.getByRole("button", { name: `Follow ${MARKUP_NAME}`, exact: false });
    expect(await face.getAttribute("title")).toContain(MARKUP_NAME);
    expect(alice.dialogs).toEqual([]);
    expect(bob.dialogs).toEqual([]);

    // A name can be changed later, from one's own face.
    const b = bob.page;
    await b.getByRole("button", { name: /\(you\)/ }).click();
    await b.getByRole("textbox", { name: "Your name", exact: true }).fill("Bob");
    await b.getByRole("button", { name: "Save", exact: true }).click();
    await a.getByRole("button", { name: /^Follow Bob/ }).waitFor({ timeout: WAIT });
  });

  it("follows another person's focus until one acts oneself", async () => {
    const a = alice.page;
    const b = bob.page;
    await rowButton(a, "AAPL").click();
    await b.getByRole("button", { name: /^Follow Alice/ }).click();
    await expect.poll(() => chartSymbol(b).textContent(), { timeout: WAIT }).toBe("AAPL");
    await b.getByText("Following Alice").waitFor({ timeout: 2000 });

    await rowButton(a, "NVDA").click();
    await expect.poll(() => chartSymbol(b).textContent(), { timeout: WAIT }).toBe("NVDA");
    expect(await b.locator(".following").textContent()).toContain("Alice");

    // Two people on one list: Bob's screen, following Alice to NVDA.
    await b.locator('[data-testid="chart"] canvas').first().waitFor({ timeout: WAIT });
    await b.getByLabel("Last price").waitFor({ timeout: WAIT });
    await b.waitForTimeout(800);
    await b.screenshot({ path: screenshotPath("screenshot-watchlist.png") });

    await rowButton(b, "TSLA").click();
    await b.getByText("Following Alice").waitFor({ state: "detached", timeout: 2000 });
    await rowButton(a, "BTC-USD").click();
    // Bob sees Alice move on, and his own chart stays where he put it.
    await b
      .locator(".person", { hasText: "Alice" })
      .getByText("BTC-USD")
      .waitFor({ timeout: WAIT });
    expect(await chartSymbol(b).textContent()).toBe("TSLA");
  });

  it("gives the view link no edit controls and refuses an edit forged from its socket", async () => {
    const viewLink = await copied(alice.page, "Copy view link");
    expect(viewLink).toBe(`${server.url}${listPath}`);
    const carol = await person("Carol");
    const c = carol.page;
    await c.goto(viewLink);
    await c.getByText("View only", { exact: true }).waitFor({ timeout: WAIT });
    await expect.poll(() => rowsOf(c), { timeout: WAIT }).toEqual(await rowsOf(alice.page));
    expect(await addInput(c).count()).toBe(0);
    expect(await c.getByRole("button", { name: /^Remove / }).count()).toBe(0);
    expect(await c.locator('li[draggable="true"], .wl-grip').count()).toBe(0);
    expect(await c.getByRole("button", { name: "Copy edit link" }).count()).toBe(0);
    expect(await c.getByRole("button", { name: "Tech watch" }).count()).toBe(0);
    expect(await c.getByRole("heading", { name: "Tech watch", level: 1 }).count()).toBe(1);

    const id = listPath.split("/").pop() as string;
    const before = await (await fetch(`${server.url}/parties/watchlist/${id}`)).json();
    const reply = await c.evaluate(
      async (url) => {
        const ws = new WebSocket(url);
        const frames: { type: string; code?: string; ref?: string }[] = [];
        return new Promise<{ type: string; code?: string; ref?: string }>((resolve, reject) => {
          setTimeout(() => reject(new Error(`no answer: ${JSON.stringify(frames)}`)), 5000);
          ws.onmessage = (event) => {
            const frame = JSON.parse(event.data as string);
            frames.push(frame);
            if (frame.type === "state")
              ws.send(JSON.stringify({ type: "add", symbol: "GME", ref: "forged" }));
            if (frame.type === "error" || frame.type === "ack") {
              ws.close();
              resolve(frame);
            }
          };
        });
      },
      server.wsUrl(`/parties/watchlist/${id}?name=Mallory`),
    );
    expect(reply).toMatchObject({ type: "error", code: "forbidden", ref: "forged" });
    const after = await (await fetch(`${server.url}/parties/watchlist/${id}`)).json();
    expect(after).toEqual(before);
    expect(await rowsOf(c)).not.toContain("GME");
    await carol.context.close();
    await alice.context.close();
    await bob.context.close();
  });
});

describe("edges of a list", () => {
  it("refuses a 51st symbol with a readable message, and never shows the row", async () => {
    const symbols = Array.from({ length: 50 }, (_, i) => `W${String(i).padStart(2, "0")}`);
    const id = "fifty-symbols-list-0001";
    const res = await fetch(`${server.url}/parties/watchlist/${id}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Full list", symbols }),
    });
    expect(res.status).toBe(201);
    const { editKey } = (await res.json()) as { editKey: string };
    const dana = await person("Dana");
    const d = dana.page;
    await d.goto(`${server.url}/w/${id}#key=${editKey}`);
    await expect.poll(() => d.locator("li[data-symbol]").count(), { timeout: WAIT }).toBe(50);

    // The most rows the list ever shows from here on: the client runs the server's rules, so
    // an add the server will refuse never flashes on screen.
    await d.evaluate(() => {
      const list = document.querySelector("ol.wl-rows") as HTMLElement;
      const w = window as unknown as { mostRows: number };
      w.mostRows = list.children.length;
      new MutationObserver(() => {
        w.mostRows = Math.max(w.mostRows, list.children.length);
      }).observe(list, { childList: true });
    });
    await addSymbol(d, "zz");
    const alert = d.getByRole("alert");
    await alert.waitFor({ timeout: WAIT });
    expect(await alert.textContent()).toContain("Could not add ZZ");
    expect(await alert.textContent()).toContain("at most 50 symbols");
    await expect.poll(() => d.locator("li[data-symbol]").count(), { timeout: 2000 }).toBe(50);
    expect(await rowsOf(d)).not.toContain("ZZ");
    expect(await d.evaluate(() => (window as unknown as { mostRows: number }).mostRows)).toBe(50);
    await dana.context.close();
  });

  it("says so when a list does not exist", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/w/no-such-list-000000`);
    await page.getByRole("heading", { name: "Watchlist not found" }).waitFor({ timeout: WAIT });
    await page.getByRole("link", { name: "Go to the home page" }).waitFor({ timeout: 2000 });
    await page.close();
  });
});
