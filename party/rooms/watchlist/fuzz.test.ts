/**
 * Several app clients editing one list at once, at random, over the room's real core: each
 * client is the app's own store and frame pacer, wired as `use-watchlist-room.ts` wires them.
 * Frames travel in order per socket, as over a WebSocket, but the sockets are served in random
 * interleavings; clients drop and come back, and the core is evicted and started again over the
 * same storage. Once everything has arrived, every screen must show the stored list.
 *
 * Seeded: a failure prints its seed and the command that replays it (`FUZZ_SEED=…`);
 * `FUZZ_RUNS=…` runs more seeds.
 */
import { expect, it } from "vitest";
import { FramePacer } from "../../../app/lib/frame-pacer.ts";
import {
  canEdit,
  parseWatchlistFrame,
  type SentEdit,
  unsettled,
} from "../../../app/lib/watchlist-state.ts";
import { getWatchlistStore, type WatchlistStore } from "../../../app/lib/watchlist-store.ts";
import { FakeClock } from "../../../tests/helpers/fake-room.ts";
import { FakeHost, type FakeSocket } from "../../../tests/helpers/fake-watchlist-host.ts";
import { eachSeed, fuzzSeeds, Rng } from "../../../tests/helpers/seeded.ts";
import type { WatchlistClientMessage, WatchlistEdit } from "../../protocol/index.ts";
import { CLIENT_HEADER } from "../edge-headers.ts";
import { type WatchlistConnState, WatchlistCore } from "./core.ts";
import { LIST_KEY, type StoredList, viewOf } from "./list.ts";

const ID = "Fz8kQ2pLm7RtW3nXc9vB4h";
const URL_BASE = `http://localhost/parties/watchlist/${ID}`;
const STEPS = 100;
/** More symbols than a list holds, so that batches sometimes meet `full`. */
const SYMBOLS = [
  "AAPL",
  "MSFT",
  "BRK.B",
  "BTC-USD",
  ...Array.from({ length: 56 }, (_, i) => `S${i}`),
];
/** What the protocol refuses: a lower-case symbol, an empty one, one too long. */
const BAD_SYMBOLS = ["aapl", "", "ABCDEFGHIJKLMNOP"];
const BAD_NAMES = ["", "   ", "x".repeat(81)];

type Socket = FakeSocket<WatchlistConnState>;

/** What the seeds did in all, to show that they reach what they are meant to. */
let tabsOpened = 0;

const tally = { acks: 0, refusals: 0, drops: 0, restarts: 0, versions: 0 };

/** One browser tab: the app's store and pacer, and its end of the socket. */
type Client = {
  name: string;
  store: WatchlistStore;
  pacer: FramePacer;
  key: string | null;
  socket: Socket | null;
  /** Frames the tab sent that the room has not read yet, oldest first. */
  up: string[];
  /** How many of the room's frames on this socket the tab has read. */
  read: number;
  synced: boolean;
  refs: number;
  /** The newest list version this tab was sent, which must never go back. */
  seen: number;
};

class World {
  readonly clock = new FakeClock(Date.UTC(2026, 11, 1, 14, 30));
  readonly host = new FakeHost<WatchlistConnState>(ID);
  core = new WatchlistCore(this.host, { clock: this.clock });
  readonly clients: Client[] = [];
  /** Frames the core is still working on. */
  private inflight: Promise<void>[] = [];

  constructor(
    private readonly rng: Rng,
    private readonly log: (line: string) => void,
  ) {}

  async create(): Promise<string> {
    const body = JSON.stringify({ symbols: ["AAPL", "MSFT", "S1"] });
    const res = await this.core.request(new Request(URL_BASE, { method: "POST", body }));
    expect(res.status).toBe(201);
    return ((await res.json()) as { editKey: string }).editKey;
  }

  addClient(key: string | null): Client {
    const name = `c${this.clients.length + 1}`;
    const client: Client = {
      name,
      // A store of its own per tab: the app keeps one per list id.
      store: getWatchlistStore(`${ID}/${++tabsOpened}`),
      pacer: new FramePacer((message) => {
        if (client.socket?.open) client.up.push(JSON.stringify(message));
      }, this.clock),
      key,
      socket: null,
      up: [],
      read: 0,
      synced: false,
      refs: 0,
      seen: 0,
    };
    this.clients.push(client);
    return client;
  }

  /** The socket opens: the tab sends its key first, as the hook's `onOpen` does. */
  connect(c: Client): void {
    const req = new Request(`${URL_BASE}?name=${c.name}`, { headers: { [CLIENT_HEADER]: c.name } });
    const url = new URL(req.url);
    c.socket = this.host.accept(`${url.pathname}${url.search}`, this.core.tags(req));
    c.read = 0;
    this.inflight.push(this.core.connect(c.socket, req));
    this.closed(c);
    if (c.key === null) return;
    c.store.startAuth();
    c.pacer.push({ type: "auth", key: c.key });
  }

  /** The socket drops: some of what the tab sent still arrives, the rest and all replies are lost. */
  async disconnect(c: Client): Promise<void> {
    const socket = c.socket;
    if (!socket) return;
    await this.deliverUp(c, this.rng.int(c.up.length + 1));
    c.up = [];
    this.host.leave(socket);
    this.core.close(socket);
    c.socket = null;
    this.closed(c);
  }

  /** The room reads up to `n` of the tab's frames, in order. */
  async deliverUp(c: Client, n: number): Promise<void> {
    for (let i = 0; i < n && c.socket && c.up.length > 0; i++) {
      const text = c.up.shift() as string;
      const handled = this.core.message(c.socket, text);
      this.inflight.push(handled);
      // A key check hashes off the main thread: wait for it, so that a seed always replays alike.
      if (text.includes('"auth"') || this.rng.chance(0.5)) await handled;
    }
  }

  /** The tab reads up to `n` of the room's frames, in order, as the hook's `onMessage` does. */
  receive(c: Client, n: number): void {
    for (let i = 0; i < n && c.socket && c.read < c.socket.sent.length; i++) {
      const text = c.socket.sent[c.read++] as string;
      const frame = c.store.receive(text);
      if (frame === null) continue;
      this.log(`  ${c.name} <- ${brief(text)}`);
      if (frame.type === "ack") tally.acks++;
      if (frame.type === "error") tally.refusals++;
      if ((frame.type === "ack" || frame.type === "error") && frame.ref !== undefined) {
        c.pacer.settled(frame.ref);
      }
      const state = c.store.getState();
      if (frame.type === "state") {
        expect(frame.version, `${c.name} went back a version`).toBeGreaterThanOrEqual(c.seen);
        c.seen = frame.version;
      }
      if (!c.synced && state.phase === "ready" && !state.authing) this.sync(c);
    }
  }

  /** Someone edits, as the page's `edit`: shown at once, sent once the room knows the tab. */
  edit(c: Client, intent: WatchlistEdit): void {
    const sent = { ...intent, ref: `${c.name}-${++c.refs}` } as SentEdit;
    c.store.propose(sent);
    if (c.synced) this.send(c, sent);
  }

  /** The core is evicted once idle and a new one wakes over the same storage and sockets. */
  async restart(): Promise<void> {
    await this.settle();
    this.core = new WatchlistCore(this.host, { clock: this.clock });
  }

  async settle(): Promise<void> {
    while (this.inflight.length > 0) {
      const batch = this.inflight;
      this.inflight = [];
      await Promise.all(batch);
    }
  }

  /** Whether anything is still on its way: a frame, a queued send, a core at work. */
  busy(): boolean {
    return (
      this.inflight.length > 0 ||
      this.clients.some(
        (c) =>
          c.up.length > 0 ||
          c.pacer.waiting.length > 0 ||
          (c.socket !== null && c.read < c.socket.sent.length),
      )
    );
  }

  private sync(c: Client): void {
    c.synced = true;
    for (const edit of unsettled(c.store.getState())) this.send(c, edit);
  }

  private send(c: Client, message: WatchlistClientMessage): void {
    const replaced = c.pacer.push(message);
    if (replaced !== null) {
      this.log(`  ${c.name}: pacer replaced ${replaced}`);
      c.store.withdraw(replaced);
    }
  }

  private closed(c: Client): void {
    c.synced = false;
    c.pacer.clear();
  }
}

/** A frame as the trace shows it: a state by its list, the rest in full. */
function brief(text: string): string {
  // Read as the app reads it: a frame it could not read shows as it came.
  const f = parseWatchlistFrame(text);
  if (f === null || !("type" in f)) return text;
  if (f.type === "presence" || f.type === "event" || f.type === "activity") return f.type;
  if (f.type !== "state") return text;
  return `state v${f.version} ${f.role} ${JSON.stringify(f.name)} ${f.symbols.join(",")}`;
}

/** A random edit, valid or not, against what the tab shows now. */
function randomEdit(rng: Rng, shown: readonly string[]): WatchlistEdit {
  const known = shown.length > 0 && rng.chance(0.8) ? shown : SYMBOLS;
  switch (rng.weighted({ add: 4, batch: 2, remove: 3, move: 4, rename: 1, bad: 1 })) {
    case "add":
      return rng.chance(0.5)
        ? { type: "add", symbol: rng.pick(SYMBOLS) }
        : { type: "add", symbol: rng.pick(SYMBOLS), index: rng.int(shown.length + 2) };
    case "batch": {
      const symbols = Array.from({ length: rng.between(1, 25) }, () => rng.pick(SYMBOLS));
      return { type: "add", symbols, ...(rng.chance(0.5) ? { index: rng.int(5) } : {}) };
    }
    case "remove":
      return { type: "remove", symbol: rng.pick(known) };
    case "move":
      return { type: "move", symbol: rng.pick(known), index: rng.int(shown.length + 2) };
    case "rename":
      return { type: "rename", name: rng.pick(["Tech", "Crypto", "Mine", "Ann's list"]) };
    default:
      return rng.chance(0.5)
        ? { type: "add", symbol: rng.pick(BAD_SYMBOLS) }
        : { type: "rename", name: rng.pick(BAD_NAMES) };
  }
}

async function runSeed(rng: Rng, log: (line: string) => void): Promise<void> {
  const world = new World(rng, log);
  await world.core.start();
  const key = await world.create();
  const tabs = rng.between(3, 5);
  for (let i = 0; i < tabs; i++)
    world.connect(world.addClient(i === 0 || rng.chance(0.8) ? key : null));

  for (let step = 0; step < STEPS; step++) {
    const c = rng.pick(world.clients);
    const state = c.store.getState();
    const op = rng.weighted({ edit: 5, up: 4, down: 4, time: 2, drop: 0.4, back: 1, restart: 0.2 });
    if (op === "edit" && canEdit(state) && state.view) {
      const intent = randomEdit(rng, state.view.symbols);
      log(`${step} ${c.name} edit ${JSON.stringify(intent)}`);
      world.edit(c, intent);
    } else if (op === "up") {
      const n = rng.between(1, 4);
      const texts = c.up.slice(0, n).map((t) => t.replace(/"key":"[^"]*"/, '"key":"…"'));
      log(`${step} ${c.name} room reads ${texts.length}: ${texts.join(" ")}`);
      await world.deliverUp(c, n);
    } else if (op === "down") {
      const n = rng.between(1, 6);
      log(`${step} ${c.name} reads ${n}`);
      world.receive(c, n);
    } else if (op === "time") {
      const ms = rng.between(10, 1500);
      log(`${step} ${ms} ms pass`);
      world.clock.advance(ms);
    } else if (op === "drop" && c.socket) {
      log(`${step} ${c.name} drops`);
      tally.drops++;
      await world.disconnect(c);
    } else if (op === "back" && !c.socket) {
      log(`${step} ${c.name} reconnects`);
      world.connect(c);
    } else if (op === "restart") {
      log(`${step} the core restarts`);
      tally.restarts++;
      await world.restart();
    }
  }

  log("end: everyone reconnects and everything is delivered");
  for (const c of world.clients) if (!c.socket) world.connect(c);
  for (let round = 0; world.busy(); round++) {
    if (round > 200) throw new Error("frames were still moving after 200 rounds");
    for (const c of world.clients) await world.deliverUp(c, c.up.length);
    await world.settle();
    for (const c of world.clients) world.receive(c, Number.POSITIVE_INFINITY);
    world.clock.advance(1000);
  }

  const stored = world.host.storage.peek<StoredList>(LIST_KEY);
  if (!stored) throw new Error("the list is not in storage");
  tally.versions += stored.version - 1;
  for (const c of world.clients) {
    const shown = c.store.getState();
    expect(shown.view, `${c.name} shows the stored list`).toEqual(viewOf(stored));
    expect(unsettled(shown), `${c.name} has edits left unsent`).toEqual([]);
    expect(shown.role).toBe(c.key === null ? "viewer" : "editor");
  }
}

const FILE = "party/rooms/watchlist/fuzz.test.ts";

it("every tab ends up showing the stored list, whatever the order frames arrive in", async () => {
  await eachSeed(200, FILE, runSeed);
  const runs = fuzzSeeds(200).length;
  if (runs < 20) return;
  // Edits were made and refused, tabs dropped, and the core restarted, many times over.
  expect(tally.versions).toBeGreaterThan(runs * 5);
  expect(tally.acks).toBeGreaterThan(runs * 5);
  expect(tally.refusals).toBeGreaterThan(runs);
  expect(tally.drops).toBeGreaterThan(runs);
  expect(tally.restarts).toBeGreaterThan(runs / 4);
}, 60_000);

it("replays a seed step for step", async () => {
  const traces: string[][] = [[], []];
  for (const trace of traces) {
    await eachSeed(1, FILE, (_, log) =>
      runSeed(new Rng(7), (line) => {
        trace.push(line);
        log(line);
      }),
    );
  }
  expect(traces[0]?.length).toBeGreaterThan(STEPS / 2);
  expect(traces[1]).toEqual(traces[0]);
});
