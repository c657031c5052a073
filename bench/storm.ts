/**
 * `npm run bench:storm`: a server restart under thousands of open sockets on one hot symbol.
 * Every client holds a socket to `STORM-USD` (simulated, trading around the clock); the server
 * goes down and comes back on the same port and storage, and every client reconnects the way
 * the app does (`reconnect.ts`). It reports how long each took to have a snapshot again.
 *
 *   npm run bench:storm                           2,000 and 10,000 clients, both ways down
 *   npm run bench:storm -- --clients 2000         one size (comma-separated for several)
 *   npm run bench:storm -- --variants restart     restart (SIGTERM), kill9 (SIGKILL), or both
 *   npm run bench:storm -- --deadline 60          seconds a client may take (default 60)
 *   npm run bench:storm -- --client-procs 2       client processes (default 2)
 *   npm run bench:storm -- --quiet                on a pushed symbol that gets one tick a second
 *                                                 instead of the simulated one (many a second),
 *                                                 so that this machine can hold 10,000 sockets
 *   npm run bench:storm -- --no-docs              print only; leave docs/benchmarks.md alone
 *
 * Writes bench-results/storm.json and replaces the storm section of docs/benchmarks.md.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import { MIN_UPTIME_MS } from "../app/lib/reconnect-policy.ts";
import { startServer, type TestServer } from "../tests/helpers/server.ts";
import { Fleet } from "./fleet.ts";
import {
  cleanupAll,
  delay,
  fdHardLimit,
  groupMembers,
  installCleanup,
  listenerGroup,
  machineCpu,
  onCleanup,
  usageOf,
} from "./proc.ts";
import { machineInfo, RESULTS_DIR, replaceDocSection } from "./report.ts";
import { STORM_HEAD, type StormRun, stormMarkdown, stormRows, summarise } from "./storm-summary.ts";
import { ensureBuilt } from "./targets.ts";

const SYMBOL = "STORM-USD";
/** `--quiet`: a pushed room, fed one tick a second by the benchmark. */
const QUIET_SYMBOL = "STORMQ";
const QUIET_TOKEN = "storm-bench-token";
/** Sockets opened together while the clients take their places: few enough that none time out. */
const HOLD_BATCH = 250;
const POLL_MS = 250;
/** Past this, a size whose clients are not all in is reported as such, without a storm. */
const HOLD_LIMIT_MS = 90_000;
const HOLDING_SAMPLE_MS = 3000;

/** The server's CPU share (1 = one core) while it only holds its sockets and streams ticks. */
async function holdingCost(server: TestServer): Promise<number> {
  const pids = serverPids(server);
  const before = usageOf(pids, false).cpu;
  await delay(HOLDING_SAMPLE_MS);
  return (usageOf(pids, false).cpu - before) / (HOLDING_SAMPLE_MS / 1000);
}

const SETTLE_MS = 30_000;

async function everyoneBack(fleet: Fleet, clients: number): Promise<boolean> {
  const end = Date.now() + SETTLE_MS;
  while ((await fleet.storm(false)).done < clients) {
    if (Date.now() > end) return false;
    await delay(POLL_MS);
  }
  // Past the back-off: up long enough that each client's next wait starts over.
  await delay(MIN_UPTIME_MS + 500);
  return true;
}

function unheld(
  clients: number,
  held: number,
  holdS: number,
  holding: number,
  deadlineMs: number,
): StormRun {
  return {
    clients,
    variant: "restart",
    downMs: 0,
    deadlineMs,
    counts: { clients, done: 0, times: [], attempts: 0, failures: {}, closeCodes: {}, checks: 0 },
    serverCpu: holding * holdS,
    spanS: holdS,
    machineBusy: 0,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    holding,
    error: `only ${held} of ${clients} clients were in after ${holdS.toFixed(0)} s: no storm`,
  };
}

type Options = {
  sizes: number[];
  variants: StormRun["variant"][];
  deadlineMs: number;
  procs: number;
  docs: boolean;
  quiet: boolean;
};

function parseArgs(argv: string[]): Options {
  const opts: Options = {
    sizes: [2000, 10_000],
    variants: ["restart", "kill9"],
    deadlineMs: 60_000,
    procs: 2,
    docs: true,
    quiet: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1] ?? "";
    if (flag === "--clients") opts.sizes = value.split(",").map(positive("--clients"));
    else if (flag === "--variants") {
      opts.variants = value.split(",").map((v) => {
        if (v !== "restart" && v !== "kill9")
          throw new Error(`--variants: restart or kill9, not ${v}`);
        return v;
      });
    } else if (flag === "--deadline") opts.deadlineMs = positive("--deadline")(value) * 1000;
    else if (flag === "--client-procs") opts.procs = positive("--client-procs")(value);
    else if (flag === "--no-docs" || flag === "--quiet") {
      if (flag === "--quiet") opts.quiet = true;
      else opts.docs = false;
      continue;
    } else throw new Error(`unknown flag ${flag}`);
    i++;
  }
  return opts;
}

function positive(flag: string) {
  return (text: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n <= 0)
      throw new Error(`${flag} takes a positive whole number, not "${text}"`);
    return n;
  };
}

function serverPids(server: TestServer): number[] {
  const pgid = listenerGroup(server.port);
  return pgid === null ? [] : groupMembers(pgid).map((m) => m.pid);
}

async function storm(
  server: TestServer,
  fleet: Fleet,
  clients: number,
  variant: StormRun["variant"],
  deadlineMs: number,
): Promise<StormRun> {
  const load = loadavg().map((l) => Math.round(l * 100) / 100);
  const start = Date.now();
  await fleet.arm(start);
  let error: string | undefined;
  try {
    if (variant === "kill9") await server.kill9();
    await server.restart();
  } catch (err) {
    // The helper waits for the server to answer a plain request; under the storm it may not.
    error = `did not come back: ${(err instanceof Error ? err.message : String(err)).split("\n")[0]}`;
  }
  const readyAt = Date.now();
  const pids = serverPids(server);
  const cpuBefore = usageOf(pids, false).cpu;
  const machineBefore = machineCpu();
  const end = start + deadlineMs;
  let counts = await fleet.storm(false);
  while (counts.done < clients && Date.now() < end) {
    await delay(POLL_MS);
    counts = await fleet.storm(false);
  }
  const spanS = (Date.now() - readyAt) / 1000;
  const serverCpu = usageOf(pids, false).cpu - cpuBefore;
  const machineAfter = machineCpu();
  const machineBusy =
    (machineAfter.busy - machineBefore.busy) /
    Math.max(machineAfter.total - machineBefore.total, 0.001);
  counts = await fleet.storm(true);
  return {
    clients,
    variant,
    downMs: readyAt - start,
    deadlineMs,
    counts,
    serverCpu,
    spanS,
    machineBusy,
    loadAverage: load,
    ...(error ? { error } : {}),
  };
}

/** One tick a second into the quiet room, from now until stopped; the first is in on return. */
async function feedQuietly(server: TestServer): Promise<() => void> {
  let price = 100;
  const push = async () => {
    price += 0.01;
    await fetch(`${server.url}/parties/ticker/${QUIET_SYMBOL}`, {
      method: "POST",
      headers: { authorization: `Bearer ${QUIET_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ ticks: [[Date.now(), Number(price.toFixed(2)), 1]] }),
    }).then(
      (res) => res.arrayBuffer(),
      () => undefined, // Down during the storm: the next second tries again.
    );
  };
  await push();
  const timer = setInterval(() => void push(), 1000);
  return () => clearInterval(timer);
}

async function runSize(opts: Options, clients: number): Promise<StormRun[]> {
  const server = await startServer(opts.quiet ? { env: { INGEST_TOKEN: QUIET_TOKEN } } : {});
  onCleanup(() => server.dispose());
  const symbol = opts.quiet ? QUIET_SYMBOL : SYMBOL;
  const stopFeed = opts.quiet ? await feedQuietly(server) : () => undefined;
  onCleanup(async () => stopFeed());
  const fleet = await Fleet.start(opts.procs);
  onCleanup(async () => fleet.dispose());
  const runs: StormRun[] = [];
  try {
    const urls = Array.from({ length: clients }, () => server.wsUrl(`/parties/ticker/${symbol}`));
    const holdStart = Date.now();
    const held = await fleet.hold(urls, HOLD_BATCH, holdStart + HOLD_LIMIT_MS);
    const holding = await holdingCost(server);
    const holdS = (Date.now() - holdStart) / 1000;
    console.log(
      `${held.held} of ${clients} clients hold a socket on ${symbol} after ${holdS.toFixed(0)} s; holding them takes ${Math.round(holding * 100)}% of a core`,
    );
    if (held.held < clients) {
      // No storm to measure: the server could not even take its clients in.
      runs.push(unheld(clients, held.held, holdS, holding, opts.deadlineMs));
      return runs;
    }
    for (const variant of opts.variants) {
      const run = { ...(await storm(server, fleet, clients, variant, opts.deadlineMs)), holding };
      runs.push(run);
      if (run.error) {
        console.log(`  ${variant}: ${run.error}`);
        break;
      }
      const sum = summarise(run);
      console.log(
        `  ${variant}: down ${run.downMs} ms, p50 ${sum.p50} ms, p99 ${sum.p99} ms, max ${sum.max} ms, ${sum.missing} without a snapshot`,
      );
      // The next storm starts from every client holding a socket again, or not at all.
      if (!(await everyoneBack(fleet, clients))) {
        console.log(
          `  not every client came back within ${SETTLE_MS / 1000} s more: no further storm`,
        );
        break;
      }
    }
  } finally {
    stopFeed();
    await fleet.release().catch(() => 0);
    fleet.dispose();
    await server.dispose();
  }
  return runs;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  installCleanup(10 * 60_000);
  const most = Math.max(...opts.sizes);
  // Each client holds one socket, and the server the other end of it.
  if (fdHardLimit() < most + 1000) throw new Error(`the open-file limit is below ${most + 1000}`);
  ensureBuilt(false);
  const machine = machineInfo();
  const runs: StormRun[] = [];
  for (const size of opts.sizes) runs.push(...(await runSize(opts, size)));
  await cleanupAll();
  const rows = stormRows(runs);
  console.log(`\n${STORM_HEAD.join(" | ")}`);
  for (const r of rows) console.log(r.join(" | "));
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, "storm.json");
  await writeFile(file, `${JSON.stringify({ machine, runs }, null, 2)}\n`);
  console.log(`wrote ${file}`);
  if (opts.docs) {
    console.log(`wrote ${await replaceDocSection("storm", stormMarkdown(runs, machine))}`);
  }
}

main().then(
  () => process.exit(0),
  async (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    await cleanupAll();
    process.exit(1);
  },
);
