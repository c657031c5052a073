/**
 * Measures what each room kind of the cost model costs, on the Worker as `npm start` runs it:
 * every scenario of `ROOM_KINDS` at once, each in a room of its own, read from the rooms' own
 * meters (`?stats`, `party/rooms/meter.ts`) before and after the same span. The exchange room
 * takes trades from a local fake Coinbase, so nothing here reaches the internet.
 */
import { randomBytes } from "node:crypto";
import { LINGER_MS, type MeterCounts } from "../../party/rooms/meter.ts";
import { type FakeExchange, startFakeExchange } from "../../tests/fakes/fake-exchange.ts";
import { startServer, type TestServer } from "../../tests/helpers/server.ts";
import { WsClient } from "../../tests/helpers/ws-client.ts";
import type { CountsFile, MeasuredRoom, RoomKind } from "./counts.ts";
import { FLEET_DEFAULTS } from "./model.ts";

const TOKEN = "cost-token";
const AUTH = { authorization: `Bearer ${TOKEN}` };
/** How often every room's meter is read during the span, well within the runtime's 10 s. */
const KEEP_ALIVE_MS = 4000;
/** Sockets on each watched room, as the placeholders assume. */
const VIEWERS = 10;
const IDLE_SOCKETS = 1000;
/** A liquid pair's pace on the exchange. */
const EXCHANGE_TRADES_PER_SECOND = 5;
/** The bridge posts once a second. */
const PUSH_EVERY_MS = 1000;
/**
 * In the list, at the model's rate (`FLEET_DEFAULTS.listMessagesPerViewerPerMinute`): each
 * person moves their focus every ten minutes, so the list hears one frame a minute. Edits (a
 * couple a day each, a row or two apiece) are too rare to show in a span of minutes.
 */
const FOCUS_EVERY_MS = 60_000 / FLEET_DEFAULTS.listMessagesPerViewerPerMinute;

/** A room's `?stats` meter: its counts, and what it holds in storage. */
type Meter = MeterCounts & { storedBytes: number };

type Scenario = {
  kind: RoomKind;
  sockets: number;
  /** Reads the room's meter. */
  read(): Promise<Meter>;
  /** Runs the scenario's traffic until `stop`; returns when it has stopped. */
  run(stopAt: number): Promise<void>;
};

export type MeasureOptions = { seconds: number; log?: (line: string) => void };

export async function measureCounts(options: MeasureOptions): Promise<CountsFile> {
  const log = options.log ?? (() => {});
  const coinbase = await startFakeExchange({ dialect: "coinbase", products: ["BTC-USD"] });
  let server: TestServer | null = null;
  const clients: WsClient[] = [];
  try {
    server = await startServer({
      env: { INGEST_TOKEN: TOKEN, FEEDS: "BTC-USD=coinbase", COINBASE_WS_URL: coinbase.url },
    });
    const s = server;
    const open = async (path: string, n: number) => {
      for (let i = 0; i < n; i += 50) {
        const batch = Array.from({ length: Math.min(50, n - i) }, () =>
          WsClient.connect(s.wsUrl(path), 15_000),
        );
        clients.push(...(await Promise.all(batch)));
      }
    };
    log("opening the scenarios' sockets");
    const scenarios = await Promise.all([
      idleScenario(s, open),
      simScenario(s, open),
      exchangeScenario(s, open, coinbase),
      pushScenario(s, open),
      watchlistScenario(s, clients),
    ]);
    // Let the openings settle, and the runtime's linger after them run out, so that the span
    // measures the steady state, not the connects.
    await new Promise((r) => setTimeout(r, LINGER_MS + 2000));
    const before = await Promise.all(scenarios.map((sc) => sc.read()));
    const started = Date.now();
    const stopAt = started + options.seconds * 1000;
    log(`measuring for ${options.seconds} s`);
    // Reading a room's meter keeps it in memory without counting: the instance that was read
    // first is the one read last, so a room that would have hibernated meanwhile loses nothing
    // of what it counted (its meter bills what hibernation would have spared, not the reads).
    const keepAlive = setInterval(() => {
      for (const sc of scenarios) sc.read().catch(() => undefined);
    }, KEEP_ALIVE_MS);
    try {
      await Promise.all(scenarios.map((sc) => sc.run(stopAt)));
    } finally {
      clearInterval(keepAlive);
    }
    const after = await Promise.all(scenarios.map((sc) => sc.read()));
    const minutes = (Date.now() - started) / 60_000;
    const measured: Partial<Record<RoomKind, MeasuredRoom>> = {};
    scenarios.forEach((sc, i) => {
      measured[sc.kind] = {
        minutes,
        rooms: 1,
        sockets: sc.sockets,
        counters: delta(before[i] as Meter, after[i] as Meter),
      };
    });
    return {
      version: 1,
      measuredAt: new Date().toISOString(),
      runtime: "worker (Miniflare on the built bundle, as npm start runs it)",
      scenarios: measured,
    };
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await server?.dispose();
    await coinbase.close();
  }
}

function delta(before: Meter, after: Meter): MeasuredRoom["counters"] {
  if (after.since !== before.since) {
    throw new Error("a room started again during the measurement: its counts are lost");
  }
  const d = (k: keyof Meter) => after[k] - before[k];
  return {
    requests: d("requests"),
    wsMessagesIn: d("wsMessagesIn"),
    alarmsSet: d("alarmsSet"),
    alarmsRun: d("alarmsRun"),
    rowsWritten: d("rowsWritten"),
    rowsRead: d("rowsRead"),
    awakeSeconds: d("awakeMs") / 1000,
    outboundSocketSeconds: d("outboundSocketMs") / 1000,
    storedBytes: after.storedBytes,
  };
}

type Open = (path: string, n: number) => Promise<void>;

async function meterOf(server: TestServer, path: string): Promise<Meter> {
  const res = await fetch(`${server.url}${path}?stats`, { headers: AUTH });
  if (!res.ok) throw new Error(`${path}?stats answered ${res.status}`);
  return ((await res.json()) as { meter: Meter }).meter;
}

const until = (stopAt: number): Promise<void> =>
  new Promise((r) => setTimeout(r, Math.max(0, stopAt - Date.now())));

async function push(server: TestServer, symbol: string, price: number): Promise<void> {
  const res = await fetch(`${server.url}/parties/ticker/${symbol}`, {
    method: "POST",
    headers: { ...AUTH, "content-type": "application/json" },
    body: JSON.stringify({ ticks: [[Date.now(), price, 1]] }),
  });
  if (!res.ok) throw new Error(`a push to ${symbol} answered ${res.status}`);
}

/** 1,000 sockets on a push room nobody pushes to: nothing happens, so it hibernates. */
async function idleScenario(server: TestServer, open: Open): Promise<Scenario> {
  const path = "/parties/ticker/IDLE";
  await push(server, "IDLE", 10);
  await open(path, IDLE_SOCKETS);
  return {
    kind: "idle",
    sockets: IDLE_SOCKETS,
    read: () => meterOf(server, path),
    run: until,
  };
}

async function simScenario(server: TestServer, open: Open): Promise<Scenario> {
  const path = "/parties/ticker/SIMCOST-USD";
  await open(path, VIEWERS);
  return { kind: "ticker-sim", sockets: VIEWERS, read: () => meterOf(server, path), run: until };
}

async function exchangeScenario(
  server: TestServer,
  open: Open,
  coinbase: FakeExchange,
): Promise<Scenario> {
  const path = "/parties/ticker/BTC-USD";
  await open(path, VIEWERS);
  await coinbase.waitFor(() => coinbase.subscribers("BTC-USD") === 1, 10_000, "a subscription");
  return {
    kind: "ticker-exchange",
    sockets: VIEWERS,
    read: () => meterOf(server, path),
    run: async (stopAt) => {
      const trades = coinbase.stream("BTC-USD", {
        perSecond: EXCHANGE_TRADES_PER_SECOND,
        price: 64_000,
      });
      await until(stopAt);
      trades.stop();
    },
  };
}

async function pushScenario(server: TestServer, open: Open): Promise<Scenario> {
  const path = "/parties/ticker/BRIDGED";
  await push(server, "BRIDGED", 100);
  await open(path, VIEWERS);
  return {
    kind: "ticker-push",
    sockets: VIEWERS,
    read: () => meterOf(server, path),
    run: async (stopAt) => {
      for (let i = 1; Date.now() < stopAt; i++) {
        await push(server, "BRIDGED", 100 + i / 100);
        await new Promise((r) => setTimeout(r, PUSH_EVERY_MS));
      }
    },
  };
}

async function watchlistScenario(server: TestServer, clients: WsClient[]): Promise<Scenario> {
  const id = randomBytes(12).toString("base64url");
  const symbols = ["AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA", "JPM", "V", "MA"];
  const res = await fetch(`${server.url}/parties/watchlist/${id}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "Cost", symbols }),
  });
  if (res.status !== 201) throw new Error(`creating the list answered ${res.status}`);
  const { editKey } = (await res.json()) as { editKey: string };
  const path = `/parties/watchlist/${id}`;
  const people: WsClient[] = [];
  for (let i = 0; i < VIEWERS; i++) {
    const person = await WsClient.connect(server.wsUrl(path), 15_000);
    await person.nextOf("state", 10_000);
    person.send(JSON.stringify({ type: "auth", key: editKey }));
    people.push(person);
  }
  clients.push(...people);
  return {
    kind: "watchlist",
    sockets: VIEWERS,
    read: () => meterOf(server, path),
    run: async (stopAt) => {
      const started = Date.now();
      let focus = 0;
      while (Date.now() < stopAt) {
        const elapsed = Date.now() - started;
        // Focus moves spread evenly over the people and the span.
        while (((focus + 0.5) * FOCUS_EVERY_MS) / people.length < elapsed) {
          const person = people[focus % people.length] as WsClient;
          person.send(JSON.stringify({ type: "focus", symbol: symbols[focus % symbols.length] }));
          focus++;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    },
  };
}
