/**
 * `npm run bench`: the rooms on each runtime against a minimal Node fan-out peer, fed by the
 * same local Coinbase-dialect exchange and measured by the same real WebSocket clients.
 *
 *   npm run bench                      every scenario, full size, on the Worker as `npm start`
 *                                      serves it and under `partykit dev` (about ten minutes)
 *   npm run bench -- --quick           every scenario, scaled down (a minute or two)
 *   npm run bench -- --scenario knee   one scenario (hot, viewers, knee, sockets, push,
 *                                      snapshot, cost); repeat the flag for several
 *   npm run bench -- --runtimes worker,partykit,wrangler
 *                                      the runtimes to measure, in this order (wrangler: the
 *                                      figures behind what serves `npm start`)
 *   npm run bench -- --client-procs 3  client processes (default 2, one per core)
 *   npm run bench -- --no-build        measure the build that is there, even if stale
 *
 * Prints a table, writes bench-results/latest.json and each server's output, and after a full
 * run of every scenario rewrites the figures in docs/benchmarks.md (`--write-docs` forces it
 * for a partial run); a run with wrangler also rewrites the section on the choice of runner.
 * Nothing is written until every server has stopped.
 */
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Fleet } from "./fleet.ts";
import { cleanupAll, fdHardLimit, installCleanup, onCleanup } from "./proc.ts";
import {
  machineInfo,
  printResults,
  RESULTS_DIR,
  type RunResults,
  writeDocs,
  writeJson,
  writeRunnerDocs,
} from "./report.ts";
import {
  type Context,
  resumeAll,
  runCost,
  runPush,
  runSnapshot,
  runStream,
  type StreamSpec,
} from "./scenarios.ts";
import {
  ensureBuilt,
  RUNTIMES,
  type Runtime,
  type RuntimeName,
  startFeed,
  startPeer,
  startRuntime,
} from "./targets.ts";

const SCENARIOS = [
  "hot",
  "viewers",
  "knee",
  "sockets",
  "relays",
  "push",
  "snapshot",
  "cost",
] as const;
type ScenarioName = (typeof SCENARIOS)[number];

/** Full size first; `--quick` divides sockets by 5 and shortens every window. */
type StreamName = "hot" | "viewers" | "knee" | "sockets" | "relays";

function streamSpecs(quick: boolean): Record<StreamName, StreamSpec> {
  const window = quick ? 1500 : 8000;
  const warmupMs = quick ? 500 : 2000;
  return {
    hot: {
      name: "hot",
      title: "Hot tickers",
      prefix: "BENCHH",
      rooms: 2,
      clients: quick ? 100 : 500,
      rates: [200],
      windowMs: window,
      warmupMs,
    },
    viewers: {
      name: "viewers",
      title: "Many viewers",
      prefix: "BENCHV",
      rooms: 20,
      clients: quick ? 400 : 2000,
      rates: [10],
      windowMs: window,
      warmupMs,
    },
    knee: {
      name: "knee",
      title: "The knee (one room, rising rates)",
      prefix: "BENCHK",
      rooms: 1,
      clients: quick ? 200 : 1000,
      rates: quick ? [100, 400] : [50, 100, 200, 400, 800],
      windowMs: quick ? 1000 : 5000,
      warmupMs: quick ? 400 : 1500,
    },
    sockets: {
      name: "sockets",
      title: "10,000 sockets in one room",
      prefix: "BENCHS",
      rooms: 1,
      clients: quick ? 1000 : 10_000,
      rates: [1],
      windowMs: quick ? 2000 : window,
      warmupMs,
    },
    /**
     * As many sockets on one symbol as a server process here may open: the machine's hard limit
     * on open files is 20,000 per process, and workerd holds one per client socket plus its own.
     * Past `RELAY_AFTER` (5,000) they go to relay rooms.
     */
    relays: {
      name: "relays",
      title: "One symbol, past 5,000 sockets: relay rooms",
      prefix: "BENCHR",
      rooms: 1,
      clients: quick ? 6000 : 19_500,
      rates: quick ? [1] : [0.5, 1],
      windowMs: quick ? 2000 : window,
      warmupMs,
    },
  };
}

function parseArgs(argv: string[]) {
  const quick = argv.includes("--quick");
  const chosen: ScenarioName[] = [];
  let runtimes: RuntimeName[] = ["worker", "partykit"];
  let clientProcs = 2;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--scenario") {
      chosen.push(...oneOf(SCENARIOS, argv[++i] ?? "", "scenario"));
    } else if (arg === "--runtimes") {
      runtimes = [...new Set(oneOf(RUNTIMES, argv[++i] ?? "", "runtime"))];
    } else if (arg === "--client-procs") {
      clientProcs = Number(argv[++i]);
      if (!Number.isInteger(clientProcs) || clientProcs < 1) throw new Error("--client-procs N");
    } else if (!["--quick", "--write-docs", "--no-build"].includes(arg)) {
      throw new Error(`unknown argument ${arg}`);
    }
  }
  const scenarios =
    chosen.length > 0 ? SCENARIOS.filter((s) => chosen.includes(s)) : [...SCENARIOS];
  return {
    quick,
    scenarios,
    runtimes,
    clientProcs,
    build: !argv.includes("--no-build"),
    writeDocsAnyway: argv.includes("--write-docs"),
  };
}

/** A comma-separated list of names, each one of `known`. */
function oneOf<T extends string>(known: readonly T[], list: string, what: string): T[] {
  return list.split(",").map((name) => {
    if (!(known as readonly string[]).includes(name)) {
      throw new Error(`unknown ${what} "${name}": use one of ${known.join(", ")}`);
    }
    return name as T;
  });
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  installCleanup((args.quick ? 5 : 60) * 60_000);
  const started = Date.now();
  const log = (line: string) =>
    console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);

  const specs = streamSpecs(args.quick);
  const mostSockets = Math.max(...Object.values(specs).map((s) => s.clients));
  // Each server holds every socket of a scenario, plus its own; the clients split theirs.
  const fdLimit = fdHardLimit();
  if (fdLimit < mostSockets + 256) {
    log(
      `warning: open files limited to ${fdLimit} (ulimit -Hn); the sockets scenario needs ${mostSockets + 256}`,
    );
  }

  if (args.build) ensureBuilt(false);
  const token = randomBytes(16).toString("hex");
  const feed = await startFeed();
  onCleanup(() => feed.stop());
  const settings = { FEEDS: "*-USD=coinbase", COINBASE_WS_URL: feed.url, INGEST_TOKEN: token };
  const runtimes: Runtime[] = [];
  for (const name of args.runtimes) {
    const runtime = await startRuntime(name, settings);
    onCleanup(() => runtime.stop());
    runtimes.push(runtime);
    log(`${name} on ${runtime.url} (processes ${runtime.pids().join(", ")})`);
  }
  const peer = await startPeer(feed.url);
  onCleanup(() => peer.stop());
  const fleet = await Fleet.start(args.clientProcs);
  onCleanup(async () => fleet.dispose());
  log(`peer pid ${peer.pids()[0]}, feed ${feed.url}, ${args.clientProcs} client processes`);

  if (args.quick) {
    log(
      "quick: sockets ÷ 5 (hot 100, viewers 400, knee 200, sockets 1,000), 1–2 s windows, knee at 100 and 400 trades/s, pushes 0.75 s each, 5 cold snapshots, 3 s cost windows",
    );
  }
  const ctx: Context = { runtimes, peer, feed, fleet, quick: args.quick, token, log };
  const results: RunResults = {
    version: 1,
    quick: args.quick,
    scenarios: args.scenarios,
    machine: machineInfo(),
    startedAt: new Date(started).toISOString(),
    seconds: 0,
    fdLimit,
    clientProcesses: args.clientProcs,
    runtimes: args.runtimes,
    reloads: {},
    results: [],
  };
  for (const name of args.scenarios) {
    switch (name) {
      case "hot":
      case "viewers":
      case "knee":
      case "sockets":
      case "relays":
        results.results.push(await runStream(ctx, specs[name]));
        break;
      case "push":
        results.results.push(await runPush(ctx));
        break;
      case "snapshot":
        results.results.push(await runSnapshot(ctx));
        break;
      case "cost":
        results.results.push(await runCost(ctx));
        break;
    }
  }
  results.seconds = (Date.now() - started) / 1000;
  for (const runtime of runtimes) results.reloads[runtime.name] = runtime.reloads();

  // Results are written only now, with every server stopped: a runner that watches files
  // cannot restart rooms over what the benchmark writes.
  resumeAll(ctx);
  await cleanupAll();
  printResults(results);
  const file = await writeJson(results);
  console.log(`\nwrote ${file}`);
  for (const runtime of runtimes) {
    await writeFile(join(RESULTS_DIR, `${runtime.name}.log`), runtime.output());
  }
  const complete = !args.quick && args.scenarios.length === SCENARIOS.length;
  if (complete || args.writeDocsAnyway) {
    console.log(`wrote ${await writeDocs(results)}`);
    if (args.runtimes.includes("wrangler")) {
      console.log(`wrote ${await writeRunnerDocs(results)} (which runner serves npm start)`);
    }
  } else {
    console.log("docs/benchmarks.md left as it was (quick or partial run; --write-docs to update)");
  }
  log(`done in ${results.seconds.toFixed(0)} s`);
}

main().catch(async (err) => {
  console.error(err instanceof Error ? err.stack : err);
  await cleanupAll();
  process.exit(1);
});
