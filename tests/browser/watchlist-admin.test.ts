/**
 * What an editor can do to a whole list, and what the app keeps to itself, in real Chromium
 * against the real server: the edit key never leaves the page in a URL, a new edit link takes
 * the old one's rights away, a deleted list ends for everyone, a pasted column of symbols is one
 * edit, and a reorder key held down never meets the room's rate limit.
 */
import type { Browser, BrowserContext, Page, WebSocketRoute } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LIMITS } from "../../party/protocol/index.ts";
import { launchBrowser, recordTraffic, type Traffic } from "../helpers/browser.ts";
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

const WAIT = 10_000;

type Person = { context: BrowserContext; page: Page; traffic: Traffic };

/** A browser context of its own (its own localStorage) with a saved name, traffic recorded. */
async function person(name: string): Promise<Person> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
  await context.addInitScript((n) => {
    if (localStorage.getItem("tickerroom.name") === null)
      localStorage.setItem("tickerroom.name", n);
  }, name);
  const page = await context.newPage();
  return { context, page, traffic: recordTraffic(page) };
}

async function createList(name: string, symbols: string[]): Promise<{ id: string; key: string }> {
  const id = `list-${Math.random().toString(36).slice(2, 12)}-${Date.now().toString(36)}`;
  const res = await fetch(`${server.url}/parties/watchlist/${id}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, symbols }),
  });
  expect(res.status).toBe(201);
  const { editKey } = (await res.json()) as { editKey: string };
  return { id, key: editKey };
}

async function listOnServer(id: string): Promise<{ status: number; symbols?: string[] }> {
  const res = await fetch(`${server.url}/parties/watchlist/${id}`);
  const body = (await res.json()) as { symbols?: string[] };
  return { status: res.status, symbols: body.symbols };
}

const editLinkOf = (id: string, key: string) => `${server.url}/w/${id}#key=${key}`;
const addInput = (page: Page) => page.getByLabel("Add symbol", { exact: true });
const rowsOf = (page: Page) =>
  page.$$eval("tr[data-symbol]", (rows) => rows.map((r) => r.getAttribute("data-symbol")));
const savedKeyOf = (page: Page, id: string) =>
  page.evaluate((listId) => {
    const lists = JSON.parse(localStorage.getItem("tickerroom.watchlists") ?? "{}");
    return (lists[listId]?.key as string | undefined) ?? null;
  }, id);

async function addSymbol(page: Page, typed: string): Promise<void> {
  await addInput(page).fill(typed);
  await addInput(page).press("Enter");
}

async function copied(page: Page, button: string): Promise<string> {
  await page.getByRole("button", { name: button, exact: true }).click();
  await page.getByRole("button", { name: "Copied" }).first().waitFor({ timeout: 2000 });
  return page.evaluate(() => navigator.clipboard.readText());
}

/** A URL as a server receives it: the fragment stays in the browser. */
const sentUrl = (url: string) => url.split("#")[0] as string;

function expectNoKey(traffic: Traffic, key: string): void {
  expect(traffic.requests.length).toBeGreaterThan(0);
  for (const { url, headers } of traffic.requests) {
    expect(sentUrl(url)).not.toContain(key);
    for (const value of Object.values(headers)) expect(value).not.toContain(key);
  }
  for (const url of traffic.sockets) expect(url).not.toContain(key);
}

const framesOn = (frames: Traffic["sent"], part: string) =>
  frames.filter((f) => f.url.includes(part));

describe("the edit key", () => {
  it("never reaches the server in a URL, through opening, editing and reconnecting", async () => {
    // Alice makes a list from the home page: the page itself holds the key from then on.
    const alice = await person("Alice");
    const a = alice.page;
    await a.goto(server.url);
    await a.getByRole("button", { name: "New watchlist" }).click();
    await a.waitForURL(/\/w\/[A-Za-z0-9_-]{22}$/, { timeout: WAIT });
    const id = new URL(a.url()).pathname.split("/").pop() as string;
    const key = (await savedKeyOf(a, id)) as string;
    expect(key).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    await addSymbol(a, "aapl");
    await expect.poll(() => rowsOf(a), { timeout: WAIT }).toEqual(["AAPL"]);

    // Bob opens the edit link through a proxy that can drop his socket, as a restart would.
    const bob = await person("Bob");
    const b = bob.page;
    const routes: { page: WebSocketRoute; url: string; frames: string[] }[] = [];
    await b.routeWebSocket(/\/parties\/watchlist\//, (ws) => {
      const upstream = ws.connectToServer();
      const route = { page: ws, url: ws.url(), frames: [] as string[] };
      routes.push(route);
      ws.onMessage((message) => {
        route.frames.push(String(message));
        upstream.send(message);
      });
    });
    await b.goto(editLinkOf(id, key));
    await expect.poll(() => rowsOf(b), { timeout: WAIT }).toEqual(["AAPL"]);
    expect(new URL(b.url()).hash).toBe("");
    await addSymbol(b, "msft");
    await expect.poll(() => rowsOf(a), { timeout: WAIT }).toEqual(["AAPL", "MSFT"]);

    await routes[0]?.page.close({ code: 1012, reason: "restarting" });
    await expect.poll(() => routes.length, { timeout: 20_000 }).toBe(2);
    await expect.poll(() => b.getByRole("status").textContent(), { timeout: WAIT }).toBe("Live");
    await addSymbol(b, "nvda");
    await expect.poll(() => rowsOf(a), { timeout: WAIT }).toEqual(["AAPL", "MSFT", "NVDA"]);

    // Every connection, the first and the one after the drop, began with the key in a frame.
    for (const route of routes) {
      expect(route.url).not.toContain(key);
      expect(JSON.parse(route.frames[0] as string)).toEqual({ type: "auth", key });
    }
    const aliceFrames = framesOn(alice.traffic.sent, `/parties/watchlist/${id}`);
    expect(aliceFrames[0]?.data).toEqual({ type: "auth", key });
    expectNoKey(alice.traffic, key);
    expectNoKey(bob.traffic, key);
    expect(alice.traffic.sockets.some((url) => url.includes(`/parties/watchlist/${id}`))).toBe(
      true,
    );
    await alice.context.close();
    await bob.context.close();
  });
});

describe("rotating the edit link", () => {
  it("keeps this browser editing, and tells the other editor they can now only view", async () => {
    const { id, key } = await createList("Rotating", ["AAPL", "MSFT"]);
    const alice = await person("Alice");
    const bob = await person("Bob");
    const carol = await person("Carol");
    const a = alice.page;
    const b = bob.page;
    const c = carol.page;
    await a.goto(editLinkOf(id, key));
    await b.goto(editLinkOf(id, key));
    await c.goto(`${server.url}/w/${id}`);
    for (const page of [a, b]) await addInput(page).waitFor({ timeout: WAIT });
    await c.getByText("View only", { exact: true }).waitFor({ timeout: WAIT });

    // The confirmation is a real dialog: keyboard only, focus on Cancel, Escape changes nothing.
    const rotate = a.getByRole("button", { name: "Rotate edit link", exact: true });
    await rotate.focus();
    await a.keyboard.press("Enter");
    const dialog = a.getByRole("alertdialog", { name: "Rotate the edit link?" });
    await dialog.waitFor({ timeout: 2000 });
    expect(await a.evaluate(() => document.activeElement?.textContent)).toBe("Cancel");
    await a.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden", timeout: 2000 });
    expect(await a.evaluate(() => document.activeElement?.textContent)).toBe("Rotate edit link");
    expect(await savedKeyOf(a, id)).toBe(key);

    await a.keyboard.press("Enter");
    await dialog.waitFor({ timeout: 2000 });
    await a.keyboard.press("Tab");
    expect(
      await a.evaluate(() => {
        const el = document.activeElement;
        return el?.closest("dialog") ? el.textContent : null;
      }),
    ).toBe("Rotate edit link");
    await a.keyboard.press("Enter");
    await dialog.waitFor({ state: "hidden", timeout: WAIT });
    await a.getByText("Old edit links no longer work", { exact: false }).waitFor({ timeout: 2000 });

    // Bob is told why his controls went, and his page forgets the key that stopped working.
    await b
      .getByText("The edit link was changed: you can view this list but not edit it", {
        exact: false,
      })
      .waitFor({ timeout: WAIT });
    await expect.poll(() => addInput(b).count(), { timeout: 2000 }).toBe(0);
    await b.getByText("View only", { exact: true }).waitFor({ timeout: 2000 });
    expect(await b.getByRole("button", { name: "Copy edit link" }).count()).toBe(0);
    expect(await savedKeyOf(b, id)).toBeNull();

    // Alice holds the new key: in her storage, in the link she copies, and in her edits.
    const newKey = (await savedKeyOf(a, id)) as string;
    expect(newKey).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(newKey).not.toBe(key);
    expect(await copied(a, "Copy edit link")).toBe(`${server.url}/w/${id}#key=${newKey}`);
    await addSymbol(a, "tsla");
    for (const page of [a, b, c]) {
      await expect.poll(() => rowsOf(page), { timeout: WAIT }).toEqual(["AAPL", "MSFT", "TSLA"]);
    }

    // The old edit link now opens the list view-only, and says why; the new one edits.
    const dave = await person("Dave");
    await dave.page.goto(editLinkOf(id, key));
    await dave.page
      .getByText("This edit link does not work", { exact: false })
      .waitFor({ timeout: WAIT });
    expect(await addInput(dave.page).count()).toBe(0);
    const erin = await person("Erin");
    await erin.page.goto(editLinkOf(id, newKey));
    await addInput(erin.page).waitFor({ timeout: WAIT });
    await erin.page.getByRole("button", { name: "Rotate edit link" }).waitFor({ timeout: WAIT });
    expect(await erin.page.getByRole("alert").count()).toBe(0);

    for (const p of [alice, bob, carol, dave, erin]) await p.context.close();
  });
});

describe("deleting a list", () => {
  it("ends it for everyone with it open, who stop reconnecting and no longer list it", async () => {
    const { id, key } = await createList("Doomed", ["AAPL"]);
    const alice = await person("Alice");
    const bob = await person("Bob");
    const a = alice.page;
    const b = bob.page;
    await a.goto(editLinkOf(id, key));
    await b.goto(`${server.url}/w/${id}`);
    for (const page of [a, b]) {
      await expect.poll(() => rowsOf(page), { timeout: WAIT }).toEqual(["AAPL"]);
    }

    await a.getByRole("button", { name: "Delete list", exact: true }).click();
    const dialog = a.getByRole("alertdialog", { name: "Delete “Doomed”?" });
    await dialog.waitFor({ timeout: 2000 });
    await dialog.getByRole("button", { name: "Delete list", exact: true }).click();

    for (const page of [a, b]) {
      await page.getByRole("heading", { name: "This list was deleted" }).waitFor({ timeout: WAIT });
      await page.getByRole("link", { name: "Go to the home page" }).waitFor({ timeout: 2000 });
    }
    expect((await listOnServer(id)).status).toBe(404);
    // The DELETE carried the key in its header, never in its URL.
    const deletes = alice.traffic.requests.filter((r) =>
      r.url.endsWith(`/parties/watchlist/${id}`),
    );
    expect(deletes.some((r) => r.headers.authorization === `Bearer ${key}`)).toBe(true);
    for (const { url } of alice.traffic.requests) expect(sentUrl(url)).not.toContain(key);

    // The room closed Bob's socket for good: no reconnect comes within partysocket's delays.
    const listSockets = () =>
      bob.traffic.sockets.filter((url) => url.includes(`/parties/watchlist/${id}`)).length;
    const before = listSockets();
    const reconnect = b
      .waitForEvent("websocket", {
        predicate: (ws) => ws.url().includes(`/parties/watchlist/${id}`),
        timeout: 4000,
      })
      .then(
        () => true,
        () => false,
      );
    expect(await reconnect).toBe(false);
    expect(listSockets()).toBe(before);

    for (const page of [a, b]) {
      await page.getByRole("link", { name: "Go to the home page" }).click();
      await page.getByRole("heading", { name: "Your watchlists" }).waitFor({ timeout: WAIT });
      expect(await page.getByRole("link", { name: "Doomed" }).count()).toBe(0);
    }
    await alice.context.close();
    await bob.context.close();
  });
});

describe("adding symbols", () => {
  it("adds a pasted column of symbols as one edit, and reports what is not a symbol", async () => {
    const { id, key } = await createList("Pasted", ["MSFT"]);
    const alice = await person("Alice");
    const a = alice.page;
    await a.goto(editLinkOf(id, key));
    await expect.poll(() => rowsOf(a), { timeout: WAIT }).toEqual(["MSFT"]);

    await a.evaluate(() => navigator.clipboard.writeText("AAPL, MSFT nvda\ntsla\n$$$ aapl\n"));
    await addInput(a).click();
    await a.keyboard.press("ControlOrMeta+V");
    // The line breaks of the paste are kept apart, not glued into one word.
    expect(await addInput(a).inputValue()).toBe("AAPL, MSFT nvda tsla $$$ aapl");
    await a.getByText("Enter adds AAPL, NVDA, TSLA", { exact: false }).waitFor({ timeout: 2000 });
    await addInput(a).press("Enter");

    expect(await rowsOf(a)).toEqual(["MSFT", "AAPL", "NVDA", "TSLA"]);
    expect(await addInput(a).inputValue()).toBe("$$$");
    await a.getByText("“$$$” is not a symbol", { exact: false }).waitFor({ timeout: 2000 });
    await expect
      .poll(async () => (await listOnServer(id)).symbols, { timeout: WAIT })
      .toEqual(["MSFT", "AAPL", "NVDA", "TSLA"]);

    const wire = `/parties/watchlist/${id}`;
    const adds = framesOn(alice.traffic.sent, wire).filter((f) => f.data.type === "add");
    expect(adds).toHaveLength(1);
    expect(adds[0]?.data).toMatchObject({ type: "add", symbols: ["AAPL", "NVDA", "TSLA"] });
    const ref = adds[0]?.data.ref;
    await expect
      .poll(
        () =>
          framesOn(alice.traffic.received, wire).filter(
            (f) => f.data.type === "ack" && f.data.ref === ref,
          ).length,
        { timeout: WAIT },
      )
      .toBe(1);
    await alice.context.close();
  });
});

describe("reordering from the keyboard", () => {
  it("coalesces a held Alt+↓ / Alt+↑ so the room's rate limit is never reached", async () => {
    const symbols = Array.from({ length: 50 }, (_, i) => `W${String(i).padStart(2, "0")}`);
    const { id, key } = await createList("Held keys", symbols);
    const alice = await person("Alice");
    const bob = await person("Bob");
    const a = alice.page;
    await a.goto(editLinkOf(id, key));
    await bob.page.goto(`${server.url}/w/${id}`);
    await expect.poll(() => rowsOf(a), { timeout: WAIT }).toEqual(symbols);
    await expect.poll(() => rowsOf(bob.page), { timeout: WAIT }).toEqual(symbols);

    // Sixty key repeats as fast as the browser takes them (Playwright sends a key that is
    // already down as a repeat): 49 down to the end, 11 back up. Queued all at once, so that
    // they come faster than any keyboard repeats, and faster than the room's budget.
    await a.locator('tr[data-symbol="W00"] .wl-row-main').focus();
    const started = Date.now();
    const keys = a.keyboard;
    await Promise.all([
      keys.down("Alt"),
      ...Array.from({ length: 49 }, () => keys.down("ArrowDown")),
      keys.up("ArrowDown"),
      ...Array.from({ length: 11 }, () => keys.down("ArrowUp")),
      keys.up("ArrowUp"),
      keys.up("Alt"),
    ]);
    const held = Date.now() - started;

    const expected = symbols.slice(1);
    expected.splice(38, 0, "W00");
    // The screen follows every repeat at once; the room ends on the same order.
    expect(await rowsOf(a)).toEqual(expected);
    expect(await a.evaluate(() => document.activeElement?.closest("tr")?.dataset.symbol)).toBe(
      "W00",
    );
    await expect
      .poll(async () => (await listOnServer(id)).symbols, { timeout: WAIT })
      .toEqual(expected);
    await expect.poll(() => rowsOf(bob.page), { timeout: WAIT }).toEqual(expected);
    await expect.poll(() => rowsOf(a), { timeout: WAIT }).toEqual(expected);

    const wire = `/parties/watchlist/${id}`;
    const moves = framesOn(alice.traffic.sent, wire).filter((f) => f.data.type === "move");
    const errors = framesOn(alice.traffic.received, wire).filter((f) => f.data.type === "error");
    console.log(`60 key repeats in ${held} ms went out as ${moves.length} move frames`);
    expect(errors).toEqual([]);
    expect(moves.length).toBeGreaterThan(0);
    expect(moves.length).toBeLessThan(LIMITS.frameBurst);
    // One move of a symbol at a time: each left only once the room had answered the one before.
    const acks = framesOn(alice.traffic.received, wire).filter((f) => f.data.type === "ack");
    for (const [i, move] of moves.entries()) {
      const next = moves[i + 1];
      if (!next) break;
      const answer = acks.find((f) => f.data.ref === move.data.ref);
      expect(answer).toBeDefined();
      expect(answer?.at).toBeLessThanOrEqual(next.at);
    }
    const sent = framesOn(alice.traffic.sent, wire);
    for (const { at } of sent) {
      expect(sent.filter((f) => f.at >= at && f.at < at + 1000).length).toBeLessThanOrEqual(
        LIMITS.framesPerSecond,
      );
    }
    await alice.context.close();
    await bob.context.close();
  });
});
