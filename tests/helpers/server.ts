/**
 * Starts a real server for integration and browser tests, on a port the OS handed out and with
 * its own storage dir, on one of the two runtimes the rooms run on:
 *
 * - `worker` (the default): the PartyServer Worker exactly as `npm start` serves it
 *   (`scripts/start.ts --no-build`, settings in its environment), on the workerd that
 *   production runs;
 * - `partykit`: `partykit dev` with the PartyKit shells, as `npx partykit dev` runs them.
 *
 * `TEST_RUNTIME` picks the runtime for a whole run (vitest.config.ts runs the protocol suites
 * under both). The server leads its own process group, because both runners fork `workerd`:
 * killing only the node process would leave workerd holding the port and the storage.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, signalGroup } from "../../scripts/processes.ts";
import { PARTYKIT_BIN, partykitArgs, ROOM_SETTINGS, ROOT } from "../../scripts/settings.ts";

export type Runtime = "worker" | "partykit";

/** The runtime of this test run: `TEST_RUNTIME`, or the Worker. */
export const RUNTIME: Runtime = process.env.TEST_RUNTIME === "partykit" ? "partykit" : "worker";
const TSX_BIN = join(ROOT, "node_modules/.bin/tsx");

export type StartOptions = {
  /** Room settings (`INGEST_TOKEN`, ...). Only these reach the rooms: the caller's own
   * environment does not, so a developer's exported token cannot change what a test sees.
   * Every test client comes from one address, so budgets are off (`BUDGETS=off`) unless a
   * test that is about them switches them on; and simulated stocks trade around the clock
   * (`SIM_SESSIONS=off`), so that no test depends on the hour it runs at. */
  env?: Record<string, string>;
  /** Storage dir to use (kept); by default a fresh temp dir, removed by `dispose`. */
  persist?: string;
  /** Which runtime serves the rooms; `RUNTIME` by default. */
  runtime?: Runtime;
};

export type TestServer = {
  port: number;
  runtime: Runtime;
  /** `http://127.0.0.1:PORT` */
  url: string;
  wsUrl(path: string): string;
  persist: string;
  /** The last lines the server printed, for failure messages. */
  output(): string;
  /** How often `partykit dev` rebuilt and reloaded the rooms because a source file changed. */
  reloads(): number;
  /** Signals the whole process group and waits until every process in it is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** A crash: SIGKILL to the whole group, nothing gets to flush. */
  kill9(): Promise<void>;
  /** Starts again on the same port and storage dir (stopping the running server first). */
  restart(): Promise<void>;
  /** Kills the server and removes the storage dir if this helper made it. */
  dispose(): Promise<void>;
};

/**
 * Exchange rooms fetch their history from the exchanges' REST APIs: a test that does not point
 * them at a fake gets a local port nothing listens on, so that no test reaches the internet.
 */
const NO_REST = {
  COINBASE_REST_URL: "http://127.0.0.1:9",
  KRAKEN_REST_URL: "http://127.0.0.1:9",
  BINANCE_REST_URL: "http://127.0.0.1:9",
};

const READY_TIMEOUT_MS = 30_000;
const POLL_MS = 100;
const EXIT_TIMEOUT_MS = 10_000;
const OUTPUT_LIMIT = 64 * 1024;
const START_ATTEMPTS = 3;

/** Process groups still running, killed when the test process exits however it exits. */
const running = new Set<number>();
process.once("exit", () => {
  for (const pgid of running) signalGroup(pgid, "SIGKILL");
});

export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const ownDir = options.persist === undefined;
  const persist = options.persist ?? (await mkdtemp(join(tmpdir(), "tickerroom-it-")));
  // partykit serves dist/ beside the rooms; `npm test` builds it, a bare run may not have.
  if (!existsSync(join(ROOT, "dist"))) mkdirSync(join(ROOT, "dist"));
  const env = { BUDGETS: "off", SIM_SESSIONS: "off", ...NO_REST, ...options.env };
  const runtime = options.runtime ?? RUNTIME;
  const log = new OutputLog();
  let child: ChildProcess | null = null;
  let port = 0;
  let launches = 0;
  const reloads = () => Math.max(0, log.builds - launches);

  const launch = async () => {
    launches++;
    log.push(`\n--- ${runtime} on port ${port} ---\n`);
    log.runtimeFailed = false;
    child = await launchRuntime(runtime, port, persist, env, log);
  };

  try {
    // Another program may take the port between the OS handing it out and workerd binding
    // it; then workerd fails to start, and a fresh port is the cure.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        await launch();
        break;
      } catch (err) {
        if (attempt >= START_ATTEMPTS || !(err instanceof RuntimeFailure)) throw err;
      }
    }
  } catch (err) {
    if (ownDir) await rm(persist, { recursive: true, force: true });
    throw err;
  }

  const kill = async (signal: NodeJS.Signals = "SIGTERM") => {
    const current = child;
    child = null;
    if (current) await stopGroup(current, signal);
  };

  const server: TestServer = {
    port,
    runtime,
    url: `http://127.0.0.1:${port}`,
    wsUrl: (path) => `ws://127.0.0.1:${port}${path}`,
    persist,
    output: () => log.text(),
    reloads,
    kill,
    kill9: () => kill("SIGKILL"),
    async restart() {
      await kill();
      await waitForPortFree(port);
      await launch();
    },
    async dispose() {
      await kill();
      if (reloads() > 0) {
        // A reload drops every socket and all in-memory room state: failures around it come
        // from editing party/ during the run, not from the rooms.
        console.warn(
          `partykit dev on port ${port} reloaded ${reloads()} time(s) during the tests because files under party/ changed`,
        );
      }
      if (ownDir) await rm(persist, { recursive: true, force: true });
    },
  };

  return server;
}

/** Starts several servers side by side; if one fails, the others are stopped before throwing. */
export async function startServers<const T extends StartOptions[]>(
  ...options: T
): Promise<{ [K in keyof T]: TestServer }> {
  const results = await Promise.allSettled(options.map((o) => startServer(o)));
  const started = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const failed = results.find((r) => r.status === "rejected");
  if (failed) {
    await Promise.all(started.map((server) => server.dispose()));
    throw failed.reason;
  }
  return started as { [K in keyof T]: TestServer };
}

async function launchRuntime(
  runtime: Runtime,
  port: number,
  persist: string,
  env: Record<string, string>,
  log: OutputLog,
): Promise<ChildProcess> {
  const inherited: Record<string, string | undefined> = { ...process.env };
  for (const name of ROOM_SETTINGS) delete inherited[name];
  const base = { ...inherited, NO_COLOR: "1", FORCE_COLOR: "0", WRANGLER_SEND_METRICS: "false" };
  const [bin, args, childEnv] =
    runtime === "worker"
      ? [
          TSX_BIN,
          ["scripts/start.ts", "--no-build"],
          { ...base, ...env, PORT: String(port), HOST: "127.0.0.1", PERSIST_DIR: persist },
        ]
      : [PARTYKIT_BIN, partykitArgs({ port, persist, env }), base];
  const child = spawn(bin, args, {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: childEnv,
  });
  const pgid = child.pid;
  if (pgid === undefined) throw new Error(`could not spawn ${bin}`);
  running.add(pgid);
  child.once("exit", () => running.delete(pgid));
  child.stdout?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => log.push(chunk.toString()));

  try {
    await waitForReady(`http://127.0.0.1:${port}/parties/main/ready`, child, log);
  } catch (err) {
    await stopGroup(child, "SIGKILL");
    const reason = err instanceof Error ? err.message : String(err);
    const message = `${runtime} on port ${port} did not start: ${reason}\n${log.text()}`;
    throw err instanceof RuntimeFailure ? new RuntimeFailure(message) : new Error(message);
  }
  return child;
}

/** workerd could not start (most often: its port was taken); `partykit dev` stays up regardless. */
class RuntimeFailure extends Error {}

/** The main party answers every request with a 404 JSON body once workerd serves the app. */
async function waitForReady(url: string, child: ChildProcess, log: OutputLog): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`it exited (${child.exitCode ?? child.signalCode})`);
    }
    if (log.runtimeFailed) throw new RuntimeFailure("the Workers runtime failed to start");
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      const type = res.headers.get("content-type") ?? "";
      await res.arrayBuffer();
      if (res.status === 404 && type.includes("json")) return;
    } catch {
      // Not listening yet.
    }
    await delay(POLL_MS);
  }
  throw new Error(`no answer from ${url} within ${READY_TIMEOUT_MS} ms`);
}

async function stopGroup(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const pgid = child.pid;
  if (pgid === undefined) return;
  signalGroup(pgid, signal);
  const exited = await waitForExit(child, EXIT_TIMEOUT_MS);
  if (!exited || !(await waitForGroupGone(pgid, EXIT_TIMEOUT_MS))) {
    signalGroup(pgid, "SIGKILL");
    await waitForExit(child, EXIT_TIMEOUT_MS);
    await waitForGroupGone(pgid, EXIT_TIMEOUT_MS);
  }
  running.delete(pgid);
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** workerd outlives its parent for a moment; a restart must not race it for the port. */
async function waitForGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!groupAlive(pgid)) return true;
    await delay(20);
  }
  return false;
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  // A member that has exited but is not reaped yet (its parent died first, and the adopting
  // init reaps at its own pace) still counts for kill(0), yet holds no port and no file.
  return process.platform !== "linux" || livingMembers(pgid) > 0;
}

function livingMembers(pgid: number): number {
  let count = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the parenthesised command name: state, ppid, pgrp, ...
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(pgrp) === pgid && state !== "Z" && state !== "X") count++;
    } catch {
      // The process went away while we looked.
    }
  }
  return count;
}

async function waitForPortFree(port: number): Promise<void> {
  const deadline = Date.now() + EXIT_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await canListen(port)) return;
    await delay(50);
  }
  throw new Error(`port ${port} is still taken ${EXIT_TIMEOUT_MS} ms after the server stopped`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "0.0.0.0", () => probe.close(() => resolve(true)));
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Keeps the last OUTPUT_LIMIT characters of what the server printed. */
class OutputLog {
  private chunks: string[] = [];
  private size = 0;
  /** partykit builds the rooms once per start and again whenever a source file changes. */
  builds = 0;
  runtimeFailed = false;

  push(text: string): void {
    this.builds += text.match(/Build succeeded/g)?.length ?? 0;
    if (text.includes("ERR_RUNTIME_FAILURE") || text.includes("Address already in use")) {
      this.runtimeFailed = true;
    }
    this.chunks.push(text);
    this.size += text.length;
    while (this.size > OUTPUT_LIMIT && this.chunks.length > 1) {
      this.size -= (this.chunks.shift() as string).length;
    }
  }

  text(): string {
    return this.chunks.join("");
  }
}
