/**
 * `npm run bench`: the project against a minimal Node fan-out peer, fed by the same local
 * Coinbase-dialect exchange and measured by the same real WebSocket clients.
 *
 *   npm run bench                      every scenario, full size (several minutes)
 *   npm run bench -- --quick           every scenario, scaled down (under a minute)
 *   npm run bench -- --scenario knee   one scenario (hot, viewers, knee, sockets, push,
 *                                      snapshot, cost); repeat the flag for several
 *   npm run bench -- --client-procs 3  client processes (default 2, one per core)
 *
 * Prints a table, writes bench-results/latest.json, and after a full run of every scenario
 * rewrites the figures in docs/benchmarks.md (`--write-docs` forces it for a partial run).
 */
import { randomBytes } from "node:crypto";
import { Fleet } from "./fleet.ts";
import { cleanupAll, fdLimits, installCleanup, onCleanup } from "./proc.ts";
import { machineInfo, printResults, type RunResults, writeDocs, writeJson } from "./report.ts";
import {
  type Context,
  runCost,
  runPush,
  runSnapshot,
  runStream,
  type StreamSpec,
  withReloadRetry,
} from "./scenarios.ts";
import { ensureBuilt, startFeed, startPeer, startProject } from "./servers.ts";

const SCENARIOS = ["hot", "viewers", "knee", "sockets", "push", "snapshot", "cost"] as const;
type ScenarioName = (typeof SCENARIOS)[number];

/** Full size first; `--quick` divides sockets by 5 and shortens every window. */
function streamSpecs(quick: boolean): Record<"hot" | "viewers" | "knee" | "sockets", StreamSpec> {
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
  };
}

function parseArgs(argv: string[]) {
  const quick = argv.includes("--quick");
  const chosen: ScenarioName[] = [];
  let clientProcs = 2;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--scenario") {
      const name = argv[++i] ?? "";
      for (const n of name.split(",")) {
        if (!(SCENARIOS as readonly string[]).includes(n)) {
          throw new Error(`unknown scenario "${n}": use one of ${SCENARIOS.join(", ")}`);
        }
        chosen.push(n as ScenarioName);
      }
    } else if (arg === "--client-procs") {
      clientProcs = Number(argv[++i]);
      if (!Number.isInteger(clientProcs) || clientProcs < 1) throw new Error("--client-procs N");
    } else if (arg !== "--quick" && arg !== "--write-docs") {
      throw new Error(`unknown argument ${arg}`);
    }
  }
  const scenarios =
    chosen.length > 0 ? SCENARIOS.filter((s) => chosen.includes(s)) : [...SCENARIOS];
  return { quick, scenarios, clientProcs, writeDocsAnyway: argv.includes("--write-docs") };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  installCleanup(args.quick ? 120_000 : 40 * 60_000);
  const started = Date.now();
  const log = (line: string) =>
    console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);

  const limits = fdLimits();
  const specs = streamSpecs(args.quick);
  const mostSockets = Math.max(...Object.values(specs).map((s) => s.clients));
  // Each server holds every socket of a scenario, plus its own; the clients split theirs.
  const nofile = Math.min(limits.hard, Math.max(limits.soft, mostSockets + 2048));
  if (nofile < mostSockets + 256) {
    log(
      `warning: open files limited to ${limits.hard} (ulimit -Hn); the sockets scenario needs ${mostSockets + 256}`,
    );
  }

  ensureBuilt();
  const token = randomBytes(16).toString("hex");
  const feed = await startFeed();
  onCleanup(() => feed.stop());
  const project = await startProject(
    { FEEDS: "*-USD=coinbase", COINBASE_WS_URL: feed.url, INGEST_TOKEN: token },
    nofile,
  );
  onCleanup(() => project.stop());
  const peer = await startPeer(feed.url, nofile);
  onCleanup(() => peer.stop());
  const fleet = await Fleet.start(args.clientProcs, nofile);
  onCleanup(async () => fleet.dispose());
  log(
    `project on ${project.url} (workerd ${project.pids()[0]}, node ${project.pids()[1]}), peer pid ${peer.pids()[0]}, feed ${feed.url}, ${args.clientProcs} client processes`,
  );

  if (args.quick) {
    log(
      "quick: sockets ÷ 5 (hot 100, viewers 400, knee 200, sockets 1,000), 1–2 s windows, knee at 100 and 400 trades/s, pushes 0.75 s each, 5 cold snapshots, 3 s cost windows",
    );
  }
  const ctx: Context = { project, peer, feed, fleet, quick: args.quick, token, log };
  const results: RunResults = {
    version: 1,
    quick: args.quick,
    scenarios: args.scenarios,
    machine: machineInfo(),
    startedAt: new Date(started).toISOString(),
    seconds: 0,
    fdLimits: { soft: limits.soft, hard: limits.hard, servers: nofile },
    clientProcesses: args.clientProcs,
    results: [],
  };
  for (const name of args.scenarios) {
    switch (name) {
      case "hot":
      case "viewers":
      case "knee":
      case "sockets":
        results.results.push(await runStream(ctx, specs[name]));
        break;
      case "push":
        results.results.push(await withReloadRetry(ctx, name, () => runPush(ctx)));
        break;
      case "snapshot":
        results.results.push(await withReloadRetry(ctx, name, (n) => runSnapshot(ctx, n)));
        break;
      case "cost":
        results.results.push(await withReloadRetry(ctx, name, () => runCost(ctx)));
        break;
    }
  }
  results.seconds = (Date.now() - started) / 1000;
  results.partykitReloads = project.reloads();

  await cleanupAll();
  printResults(results);
  const file = await writeJson(results);
  console.log(`\nwrote ${file}`);
  const complete = !args.quick && args.scenarios.length === SCENARIOS.length;
  if (complete || args.writeDocsAnyway) {
    console.log(`wrote ${await writeDocs(results)}`);
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
