/**
 * The servers of a run: the rooms on each runtime measured, the peer, and the feed.
 *
 * - `worker`: the PartyServer Worker exactly as `npm start` serves it (Miniflare on the built
 *   bundle), and `partykit`: `partykit dev` with the PartyKit shells, both started by the
 *   tests' server helper (tests/helpers/server.ts), on a free port with a fresh storage dir;
 * - `wrangler`: `wrangler dev` on the Worker (wrangler-dev.ts), measured on request only;
 * - the peer: a minimal `ws` fan-out in one node process (peer.ts).
 *
 * A runtime's cost is every living member of its process group: node, the workerd processes it
 * forked, and whatever else it runs; the peer's is its one process.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { signalGroup } from "../scripts/processes.ts";
import { WORKER_BUNDLE } from "../scripts/settings.ts";
import { startServer, type TestServer } from "../tests/helpers/server.ts";
import type { FeedCommands } from "./feed.ts";
import { Rpc } from "./ipc.ts";
import { forkModule, groupMembers, listenerGroup, ROOT, stopGroup, waitFor } from "./proc.ts";
import { roomsAnswer, startWranglerDev, type WranglerDev } from "./wrangler-dev.ts";

export const RUNTIMES = ["worker", "partykit", "wrangler"] as const;
export type RuntimeName = (typeof RUNTIMES)[number];
export type TargetName = RuntimeName | "peer";

/** What each target is, for the report. */
export const TARGET_LABELS: Record<TargetName, string> = {
  worker: "Worker as `npm start` serves it (Miniflare on the built bundle)",
  partykit: "`partykit dev`",
  wrangler: "`wrangler dev`",
  peer: "the peer (one node process with `ws`)",
};

/** A server whose cost is measured. */
export type Measured = {
  name: TargetName;
  /** Processes whose CPU, memory and sockets count as the server's, as they are now. */
  pids(): number[];
  /** `ws://…` for a symbol. */
  wsUrl(symbol: string): string;
};

export type Runtime = Measured & {
  name: RuntimeName;
  url: string;
  /** How often the runner reloaded the rooms because a source file changed. */
  reloads(): number;
  /** When the last of those reloads was seen (`Date.now()`), or 0. */
  reloadedAt(): number;
  output(): string;
  /**
   * The rooms answer within ALIVE_WAIT_MS: workerd exits on some fatal errors (too many open
   * files, say), and a runner that watches files serves nothing while a rebuild fails.
   */
  alive(): Promise<boolean>;
  /**
   * Freezes or thaws the whole process group (SIGSTOP, SIGCONT): a runner that is not being
   * measured must not rebuild on a file change, or run anything else, at another's expense.
   */
  pause(): void;
  resume(): void;
  /** Starts the runner again, after it died, with fresh storage for `wrangler dev`. */
  restart(): Promise<void>;
  stop(): Promise<void>;
};

/**
 * `npm start` builds before it serves; the benchmark builds when the app or the Worker's
 * bundle is older than what it is made of (or when asked), so that the Worker runs the same
 * room code that `partykit dev` builds from the sources.
 */
export function ensureBuilt(force: boolean): void {
  if (!force && !buildIsStale()) return;
  console.log("building the app and the Worker (npm run build), as npm start does…");
  const build = spawnSync("npm", ["run", "--silent", "build"], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (build.status !== 0) throw new Error("npm run build failed");
}

function buildIsStale(): boolean {
  let built: number;
  try {
    built = Math.min(
      statSync(join(ROOT, "dist", "index.html")).mtimeMs,
      statSync(WORKER_BUNDLE).mtimeMs,
    );
  } catch {
    return true;
  }
  const newest = (path: string): number => {
    const stat = statSync(path);
    if (!stat.isDirectory()) return stat.mtimeMs;
    return readdirSync(path).reduce((m, name) => Math.max(m, newest(join(path, name))), 0);
  };
  const sources = ["app", "party", "vite.config.ts", "wrangler.jsonc"];
  return Math.max(...sources.map((s) => newest(join(ROOT, s)))) > built;
}

export async function startRuntime(
  name: RuntimeName,
  settings: Record<string, string>,
): Promise<Runtime> {
  let server = await launch(name, settings);
  let pgid = await groupOf(server);
  // A reload is seen when the runner prints it, which may be before its rooms are back.
  let seen = server.reloads();
  let reloads = 0;
  let reloadedAt = 0;
  const watch = setInterval(() => {
    if (server.reloads() === seen) return;
    reloads += server.reloads() - seen;
    seen = server.reloads();
    reloadedAt = Date.now();
  }, 100);
  watch.unref();
  let earlier = "";
  return {
    name,
    get url() {
      return server.url;
    },
    pids: () => groupMembers(pgid).map((m) => m.pid),
    wsUrl: (symbol) => `ws://127.0.0.1:${server.port}/parties/ticker/${symbol}`,
    reloads: () => reloads + server.reloads() - seen,
    reloadedAt: () => reloadedAt,
    output: () => earlier + server.output(),
    alive: () =>
      waitFor(() => roomsAnswer(server.url), ALIVE_WAIT_MS, `${name} to answer`, 500).then(
        () => true,
        () => false,
      ),
    pause: () => signalGroup(pgid, "SIGSTOP"),
    resume: () => signalGroup(pgid, "SIGCONT"),
    async restart() {
      reloads += server.reloads() - seen;
      if ("restart" in server) {
        await server.restart();
      } else {
        await server.stop();
        earlier += `${server.output()}\n--- restarted ---\n`;
        server = await launch(name, settings);
      }
      seen = server.reloads();
      pgid = await groupOf(server);
    },
    stop: () => {
      clearInterval(watch);
      signalGroup(pgid, "SIGCONT");
      return "dispose" in server ? server.dispose() : server.stop();
    },
  };
}

const ALIVE_WAIT_MS = 10_000;

function launch(name: RuntimeName, settings: Record<string, string>) {
  // Every client of the benchmark comes from one address: the per-client budgets would refuse
  // all but the first few rooms and sockets.
  const env = { BUDGETS: "off", ...settings };
  return name === "wrangler" ? startWranglerDev(env) : startServer({ runtime: name, env });
}

/** The helper does not say which process group it started: the one listening on its port is. */
async function groupOf(server: TestServer | WranglerDev): Promise<number> {
  const pgid = "pgid" in server ? server.pgid : listenerGroup(server.port);
  if (pgid !== null) return pgid;
  await ("dispose" in server ? server.dispose() : server.stop());
  throw new Error(`nothing listens on port ${server.port}\n${server.output()}`);
}

export type Peer = Measured & { stop(): Promise<void> };

export async function startPeer(feedUrl: string): Promise<Peer> {
  const child = forkModule("peer.ts", { args: [feedUrl], heapMb: 8192 });
  const rpc = new Rpc<Record<string, never>>(child, "peer");
  const { port } = await rpc.event<{ port: number }>(30_000);
  const pid = rpc.pid;
  return {
    name: "peer",
    pids: () => [pid],
    wsUrl: (symbol) => `ws://127.0.0.1:${port}/${symbol}`,
    stop: () => stopGroup(pid),
  };
}

export type Feed = Rpc<FeedCommands> & { url: string; stop(): Promise<void> };

export async function startFeed(): Promise<Feed> {
  const rpc = new Rpc<FeedCommands>(forkModule("feed.ts", { heapMb: 2048 }), "feed");
  const { port } = await rpc.event<{ port: number }>(30_000);
  return Object.assign(rpc, {
    url: `ws://127.0.0.1:${port}`,
    stop: () => stopGroup(rpc.pid),
  });
}

/** Waits until the feed's subscriptions for `products` satisfy `check`. */
export async function waitForSubscribers(
  feed: Feed,
  products: string[],
  check: (n: number) => boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  await waitFor(
    async () => {
      const subs = await feed.call("subscribers", { products });
      return products.every((p) => check(subs[p] ?? 0));
    },
    timeoutMs,
    what,
    50,
  );
}
