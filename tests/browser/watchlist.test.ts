/**
 * Shared watchlists in real Chromium against a real `partykit dev`: two people editing one list
 * from two browser contexts, a third with the view link, and the edges a person would notice
 * (a refused edit, a name with markup, following someone's focus); then one person's own sort,
 * which nobody else sees.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  launchBrowser,
  percentile,
  rangeFigures,
  recordTraffic,
  screenshotPath,
} from "../helpers/browser.ts";
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
async function person(
  name?: string,
  viewport = { width: 1280, height: 760 },
  initScript?: string,
): Promise<Person> {
  const context = await browser.newContext({ viewport });
  if (initScript) await context.addInitScript(initScript);
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
  page.locator(`tr[data-symbol="${symbol}"] .wl-row-main`);
const chartSymbol = (page: Page) => page.locator("#ticker-symbol");

/** The symbols in the order the page shows them. */
const rowsOf = (page: Page) =>
  page.$$eval("tr[data-symbol]", (rows) => rows.map((r) => r.getAttribute("data-symbol")));

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
  document.querySelector(`tr[data-symbol="${symbol}"]`) !== null && Date.now();
const lacksRow = (symbol: string) =>
  document.querySelector(`tr[data-symbol="${symbol}"]`) === null && Date.now();
const orderIs = (order: string) =>
  [...document.querySelectorAll("tr[data-symbol]")]
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
    expect(await a.evaluate(() => document.activeElement?.closest("tr")?.dataset.symbol)).toBe(
      "AAPL",
    );
    delays.push(
      await editDelay(b, orderIs, "NVDA,TSLA,AAPL", () => a.keyboard.press("Alt+ArrowDown")),
    );
    delays.push(
      await editDelay(a, orderIs, "TSLA,NVDA,AAPL", () =>
        b.locator('tr[data-symbol="TSLA"]').dragTo(b.locator('tr[data-symbol="NVDA"]')),
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
    // A face's name starts with the initials it shows.
    const face = a.getByRole("button", { name: `IS: follow ${MARKUP_NAME}`, exact: false });
    expect(await face.getAttribute("title")).toContain(MARKUP_NAME);
    expect(alice.dialogs).toEqual([]);
    expect(bob.dialogs).toEqual([]);

    // A name can be changed later, from one's own face.
    const b = bob.page;
    await b.getByRole("button", { name: / you: .*Change your name$/ }).click();
    await b.getByRole("textbox", { name: "Your name", exact: true }).fill("Bob");
    await b.getByRole("button", { name: "Save", exact: true }).click();
    await a.getByRole("button", { name: /^BO: follow Bob / }).waitFor({ timeout: WAIT });
  });

  it("follows another person's focus until one acts oneself", async () => {
    const a = alice.page;
    const b = bob.page;
    await rowButton(a, "AAPL").click();
    await b.getByRole("button", { name: /^AL: follow Alice / }).click();
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
    expect(await c.locator('tr[draggable="true"], .wl-grip').count()).toBe(0);
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
    await expect.poll(() => d.locator("tr[data-symbol]").count(), { timeout: WAIT }).toBe(50);

    // The most rows the list ever shows from here on: the client runs the server's rules, so
    // an add the server will refuse never flashes on screen.
    await d.evaluate(() => {
      const list = document.querySelector("tbody.wl-rows") as HTMLElement;
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
    await expect.poll(() => d.locator("tr[data-symbol]").count(), { timeout: 2000 }).toBe(50);
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

async function newList(name: string, symbols: string[]): Promise<{ id: string; editKey: string }> {
  const id = `sort-${Math.random().toString(36).slice(2, 10)}-list`;
  const res = await fetch(`${server.url}/parties/watchlist/${id}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, symbols }),
  });
  expect(res.status).toBe(201);
  const { editKey } = (await res.json()) as { editKey: string };
  return { id, editKey };
}

/** Waits until `count` rows show a price. */
async function quotesShown(page: Page, count: number): Promise<void> {
  await expect
    .poll(() => page.locator("tbody.wl-rows .wl-row-price").count(), { timeout: WAIT })
    .toBe(count);
}

/** One column's figures in the order the rows are shown, read at one instant. */
function shownFigures(page: Page, column: string): Promise<number[]> {
  return page.evaluate(
    (col) =>
      [...document.querySelectorAll(`tbody.wl-rows > tr > .wl-col-${col}`)].map((cell) =>
        Number.parseFloat(
          (cell.textContent ?? "").replace("\u2212", "-").replace(/[^0-9.+-]/g, ""),
        ),
      ),
    column,
  );
}

const inOrder = (values: number[], dir: "asc" | "desc") =>
  values.every(
    (v, i) =>
      i === 0 || (dir === "asc" ? (values[i - 1] as number) <= v : (values[i - 1] as number) >= v),
  );

const EDITS = new Set(["add", "remove", "move", "rename"]);

/**
 * Counts React's work on the list through the DevTools hook, which production builds report
 * every commit to: a row re-rendered gives its `<tr>` new props, and so does the list for its
 * `<tbody>`; a row React only moves or leaves alone keeps the props it had.
 */
const COUNT_RENDERS = `(() => {
  const counts = { rows: 0, lists: 0 };
  window.__renders = counts;
  const rows = new Map();
  let list = null;
  const walk = (root) => {
    const stack = [root];
    while (stack.length > 0) {
      const fiber = stack.pop();
      const props = fiber.memoizedProps;
      if (fiber.type === "tr" && props && props["data-symbol"]) {
        const before = rows.get(props["data-symbol"]);
        if (before !== undefined && before !== props) counts.rows++;
        rows.set(props["data-symbol"], props);
      } else if (fiber.type === "tbody" && props && props.className === "wl-rows") {
        if (list !== null && list !== props) counts.lists++;
        list = props;
      }
      if (fiber.sibling) stack.push(fiber.sibling);
      if (fiber.child) stack.push(fiber.child);
    }
  };
  window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    renderers: new Map(),
    supportsFiber: true,
    inject(renderer) { const id = this.renderers.size + 1; this.renderers.set(id, renderer); return id; },
    onScheduleFiberRoot() {},
    onCommitFiberRoot(_id, root) { walk(root.current); },
    onCommitFiberUnmount() {},
    onPostCommitFiberRoot() {},
    checkDCE() {},
  };
})();`;

describe("a viewer's own sort", () => {
  const SYMBOLS = ["NVDA", "BTC-USD", "AAPL", "ETH-USD", "MSFT", "SOL-USD"];

  it("sorts from a column header by click or keyboard, keeps the sort in the address and across a reload, and leaves the shared order alone", async () => {
    const { id, editKey } = await newList("Sorted", SYMBOLS);
    const vera = await person("Vera");
    const v = vera.page;
    await v.goto(`${server.url}/w/${id}`);
    await expect.poll(() => rowsOf(v), { timeout: WAIT }).toEqual(SYMBOLS);
    const shared = await (await fetch(`${server.url}/parties/watchlist/${id}`)).json();

    const eddie = await person("Eddie");
    const e = eddie.page;
    const traffic = recordTraffic(e);
    await e.goto(`${server.url}/w/${id}#key=${editKey}`);
    await expect.poll(() => rowsOf(e), { timeout: WAIT }).toEqual(SYMBOLS);
    await quotesShown(e, SYMBOLS.length);
    const header = (name: string) => e.getByRole("columnheader", { name, exact: true });
    const sortBy = (name: string) => e.getByRole("button", { name, exact: true });
    const search = () => new URL(e.url()).search;

    // Click: up. Enter: down. Space: back to the list's order.
    await sortBy("Symbol").click();
    await expect.poll(() => rowsOf(e)).toEqual([...SYMBOLS].sort());
    expect(await header("Symbol").getAttribute("aria-sort")).toBe("ascending");
    expect(search()).toBe("?sort=symbol&dir=asc");
    await sortBy("Symbol").press("Enter");
    await expect.poll(() => rowsOf(e)).toEqual([...SYMBOLS].sort().reverse());
    expect(await header("Symbol").getAttribute("aria-sort")).toBe("descending");
    expect(search()).toBe("?sort=symbol&dir=desc");
    await sortBy("Symbol").press("Space");
    await expect.poll(() => rowsOf(e)).toEqual(SYMBOLS);
    expect(await header("Symbol").getAttribute("aria-sort")).toBeNull();
    expect(search()).toBe("");

    // Change %, highest first, from the keyboard alone.
    await sortBy("Change %").focus();
    await e.keyboard.press("Enter");
    await e.keyboard.press("Enter");
    await expect.poll(search).toBe("?sort=changePct&dir=desc");
    expect(await header("Change %").getAttribute("aria-sort")).toBe("descending");
    expect(inOrder(await shownFigures(e, "pct"), "desc")).toBe(true);

    // While sorted, nothing offers to reorder the shared list, and the page says why.
    await e.getByText("on your screen only").waitFor({ timeout: 2000 });
    await e.getByText("Turn sorting off to reorder the shared list").waitFor({ timeout: 2000 });
    expect(await e.locator('tr[draggable="true"], .wl-grip').count()).toBe(0);
    const sorted = await rowsOf(e);
    await rowButton(e, sorted[0] as string).focus();
    await e.keyboard.press("Alt+ArrowDown");
    await e.waitForTimeout(500);

    await e.reload();
    await quotesShown(e, SYMBOLS.length);
    expect(search()).toBe("?sort=changePct&dir=desc");
    expect(await header("Change %").getAttribute("aria-sort")).toBe("descending");
    expect(inOrder(await shownFigures(e, "pct"), "desc")).toBe(true);

    // The list itself, and everyone else's view of it, never moved.
    expect(await rowsOf(v)).toEqual(SYMBOLS);
    expect(await (await fetch(`${server.url}/parties/watchlist/${id}`)).json()).toEqual(shared);
    const edits = traffic.sent.filter(
      (f) => f.url.includes("/parties/watchlist/") && EDITS.has(String(f.data.type)),
    );
    expect(edits).toEqual([]);

    // Back to the list's order: reordering is on again.
    await e.getByRole("button", { name: "Show list order", exact: true }).click();
    await expect.poll(() => rowsOf(e)).toEqual(SYMBOLS);
    expect(search()).toBe("");
    expect(await e.locator('tr[draggable="true"]').count()).toBe(SYMBOLS.length);
    // A click anywhere on a row opens its chart: the symbol's button covers the row, so the
    // click lands on it (forced: Playwright would otherwise wait for the cell to take it).
    await e.locator('tr[data-symbol="MSFT"] > .wl-col-volume').click({ force: true });
    await expect.poll(() => chartSymbol(e).textContent(), { timeout: WAIT }).toBe("MSFT");
    await eddie.context.close();
    await vera.context.close();
  }, 120_000);

  it("re-sorts live without re-rendering a row for anything but its own quote", async () => {
    const { id } = await newList("Live sort", SYMBOLS);
    const rita = await person("Rita", { width: 1280, height: 760 }, COUNT_RENDERS);
    const r = rita.page;
    // BTC-USD's quotes swing from the top of the list to the bottom and back, so that the
    // order changes while the window is open.
    let swing = 1;
    await r.routeWebSocket(/\/parties\/ticker\/BTC-USD\?/, (ws) => {
      const upstream = ws.connectToServer();
      ws.onMessage((message) => upstream.send(message));
      upstream.onMessage((message) => {
        const frame = JSON.parse(String(message)) as { quote?: { changePct: number } | null };
        if (frame.quote) {
          swing = -swing;
          frame.quote.changePct = 50 * swing;
        }
        ws.send(JSON.stringify(frame));
      });
    });
    await r.goto(`${server.url}/w/${id}?sort=changePct&dir=desc`);
    await quotesShown(r, SYMBOLS.length);
    // A keyboard user's focus stays on the row it is on, however often that row moves.
    await rowButton(r, "BTC-USD").focus();
    await r.waitForTimeout(500);
    const counted = await r.evaluate(async () => {
      const w = window as unknown as { __renders: { rows: number; lists: number } };
      const body = document.querySelector("tbody.wl-rows") as HTMLElement;
      const orderOf = () => [...body.children].map((row) => row.getAttribute("data-symbol")).join();
      let order = orderOf();
      let orders = 0;
      let prices = 0;
      const moves = new MutationObserver(() => {
        if (orderOf() !== order) orders++;
        order = orderOf();
      });
      moves.observe(body, { childList: true });
      const quotes = new MutationObserver((records) => {
        prices += records.length;
      });
      for (const price of body.querySelectorAll(".wl-col-last")) {
        quotes.observe(price, { subtree: true, characterData: true, childList: true });
      }
      const start = { ...w.__renders };
      await new Promise((resolve) => setTimeout(resolve, 5000));
      moves.disconnect();
      quotes.disconnect();
      return {
        rows: w.__renders.rows - start.rows,
        lists: w.__renders.lists - start.lists,
        orders,
        prices,
      };
    });
    console.log(
      `5 s sorted by change %: ${counted.prices} price updates, ${counted.orders} reorders, ${counted.lists} list renders, ${counted.rows} row renders`,
    );
    // Quotes kept coming and moved rows, and the list rendered only when its order changed.
    expect(counted.prices).toBeGreaterThanOrEqual(SYMBOLS.length);
    expect(counted.orders).toBeGreaterThanOrEqual(2);
    expect(counted.lists).toBeLessThanOrEqual(counted.orders + 1);
    expect(counted.rows).toBe(0);
    expect(await r.evaluate(() => document.activeElement?.closest("tr")?.dataset.symbol)).toBe(
      "BTC-USD",
    );

    // The counter does see a row render: choosing a row re-renders it and the one it replaces.
    const before = await r.evaluate(
      () => (window as unknown as { __renders: { rows: number } }).__renders.rows,
    );
    const [, second] = await rowsOf(r);
    await rowButton(r, second as string).click();
    await expect
      .poll(() =>
        r.evaluate(() => (window as unknown as { __renders: { rows: number } }).__renders.rows),
      )
      .toBeGreaterThanOrEqual(before + 2);
    await rita.context.close();
  });

  it("shows an editor every column beside the chart on a wide screen, the year's range included", async () => {
    const { id, editKey } = await newList("Wide", SYMBOLS);
    const wes = await person("Wes", { width: 1440, height: 900 });
    const w = wes.page;
    await w.goto(`${server.url}/w/${id}#key=${editKey}`);
    await quotesShown(w, SYMBOLS.length);
    await w.getByRole("columnheader", { name: /Alerts/ }).waitFor({ timeout: WAIT });
    for (const name of ["Volume", "Day range", "52-week range", "Market"]) {
      expect(await w.getByRole("columnheader", { name, exact: true }).isVisible(), name).toBe(true);
    }
    // Each row's year holds its day, as the rooms send them.
    for (const row of await w.locator("tbody.wl-rows tr").all()) {
      const figures = (cell: string) => rangeFigures(row.locator(`${cell} .range-text`));
      await expect.poll(async () => (await figures(".wl-col-52")).length).toBe(2);
      const [yearLow = 0, yearHigh = 0] = await figures(".wl-col-52");
      const [dayLow = 0, dayHigh = 0] = await figures(".wl-col-day");
      expect(yearLow).toBeLessThanOrEqual(dayLow);
      expect(dayHigh).toBeLessThanOrEqual(yearHigh);
    }
    expect(await w.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1440);
    await wes.context.close();
  });

  it("shows fewer columns on a phone, and still sorts", async () => {
    const { id } = await newList("Phone", SYMBOLS);
    const pia = await person("Pia", { width: 390, height: 844 });
    const p = pia.page;
    await p.goto(`${server.url}/w/${id}`);
    await quotesShown(p, SYMBOLS.length);
    expect(await p.getByRole("columnheader", { name: "Change %", exact: true }).isVisible()).toBe(
      true,
    );
    expect(await p.getByRole("columnheader", { name: "Volume", exact: true }).count()).toBe(0);
    expect(await p.locator("tbody.wl-rows .wl-col-52").first().isVisible()).toBe(false);
    await p.getByRole("button", { name: "Last", exact: true }).click();
    await expect.poll(() => new URL(p.url()).search).toBe("?sort=last&dir=asc");
    expect(inOrder(await shownFigures(p, "last"), "asc")).toBe(true);
    // Nothing is wider than the phone.
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await pia.context.close();
  });
});
