/**
 * The three servers of a run: the project as `npm start` runs it, the peer, and the feed.
 *
 * The project is the built app plus `partykit dev` with exactly `partykitArgs` (the arguments
 * `npm start` uses), on a free port with a fresh storage dir. Its cost is what workerd and its
 * parent node process use; the peer's is its one node process.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../scripts/processes.ts";
import { PARTYKIT_BIN, partykitArgs, ROOM_SETTINGS } from "../scripts/settings.ts";
import type { FeedCommands } from "./feed.ts";
import { Rpc } from "./ipc.ts";
import {
  forkModule,
  groupMembers,
  ROOT,
  spawnGroup,
  stopGroup,
  type Usage,
  usageOf,
  waitFor,
} from "./proc.ts";

/** A server whose cost is measured. */
export type Measured = {
  name: "project" | "peer";
  /** Processes whose CPU, memory and sockets count as the server's. */
  pids(): number[];
  usage(withSockets?: boolean): Usage;
  /** `ws://…` for a symbol. */
  wsUrl(symbol: string): string;
};

export type Project = Measured & {
  url: string;
  port: number;
  /** partykit's process group: node, workerd and esbuild. */
  pgid: number;
  /** How often partykit rebuilt the rooms because a file under party/ changed. */
  reloads(): number;
  output(): string;
  stop(): Promise<void>;
};

const OUTPUT_LIMIT = 64 * 1024;

/** `npm start` builds first; the benchmark builds only when there is nothing built yet. */
export function ensureBuilt(force = false): void {
  if (!force && existsSync(join(ROOT, "dist", "index.html"))) return;
  console.log("building the app (vite build), as npm start does…");
  const build = spawnSync(process.execPath, ["node_modules/vite/bin/vite.js", "build"], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (build.status !== 0) throw new Error("vite build failed");
}

export async function startProject(
  settings: Record<string, string>,
  nofile: number,
): Promise<Project> {
  const port = await freePort();
  const persist = await mkdtemp(join(tmpdir(), "tickerroom-bench-"));
  let log = "";
  let builds = 0;
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" };
  // Only the settings given here reach the rooms, whatever the shell exported.
  for (const name of ROOM_SETTINGS) delete env[name];
  const child = spawnGroup(PARTYKIT_BIN, partykitArgs({ port, persist, env: settings }), {
    env,
    nofile,
    output: (text) => {
      builds += text.match(/Build succeeded/g)?.length ?? 0;
      log = (log + text).slice(-OUTPUT_LIMIT);
    },
  });
  const pgid = child.pid as number;
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopGroup(child);
    await rm(persist, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`partykit exited (${child.exitCode})`);
        try {
          const res = await fetch(`${url}/parties/main/ready`, {
            signal: AbortSignal.timeout(2000),
          });
          await res.arrayBuffer();
          return res.status === 404 && (res.headers.get("content-type") ?? "").includes("json");
        } catch {
          return false;
        }
      },
      30_000,
      "partykit dev to answer",
      100,
    );
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${log}`);
  }
  // workerd's parent is the partykit node process (`prlimit` execs it in place). A reload
  // (a file under party/ changed) starts a new workerd, so the pid is looked up again.
  let pids: number[] = [];
  const resolvePids = (): number[] => {
    if (pids.length > 0 && pids.every((pid) => groupMembers(pgid).some((m) => m.pid === pid))) {
      return pids;
    }
    const workerd = groupMembers(pgid).find((m) => m.comm === "workerd");
    pids = workerd ? [workerd.pid, workerd.ppid] : [];
    return pids;
  };
  if (resolvePids().length === 0) {
    await stop();
    throw new Error(
      `no workerd under partykit (pid ${pgid}): ${JSON.stringify(groupMembers(pgid))}`,
    );
  }
  return {
    name: "project",
    url,
    port,
    pgid,
    pids: resolvePids,
    usage: (withSockets = true) => usageOf(resolvePids(), withSockets),
    wsUrl: (symbol) => `ws://127.0.0.1:${port}/parties/ticker/${symbol}`,
    reloads: () => Math.max(0, builds - 1),
    output: () => log,
    stop,
  };
}

export type Peer = Measured & { stop(): Promise<void> };

export async function startPeer(feedUrl: string, nofile: number): Promise<Peer> {
  const child = forkModule("peer.ts", { args: [feedUrl], heapMb: 8192, nofile });
  const rpc = new Rpc<Record<string, never>>(child, "peer");
  const { port } = await rpc.event<{ port: number }>(30_000);
  const pid = child.pid as number;
  return {
    name: "peer",
    pids: () => [pid],
    usage: (withSockets = true) => usageOf([pid], withSockets),
    wsUrl: (symbol) => `ws://127.0.0.1:${port}/${symbol}`,
    stop: () => stopGroup(child),
  };
}

export type Feed = Rpc<FeedCommands> & { url: string; stop(): Promise<void> };

export async function startFeed(): Promise<Feed> {
  const child = forkModule("feed.ts", { heapMb: 2048 });
  const rpc = new Rpc<FeedCommands>(child, "feed");
  const { port } = await rpc.event<{ port: number }>(30_000);
  return Object.assign(rpc, {
    url: `ws://127.0.0.1:${port}`,
    stop: () => stopGroup(child),
  });
}

/** Waits until the feed's subscriptions for `products` satisfy `check`. */
export async function waitForSubscribers(
  feed: Feed,
  products: readonly string[],
  check: (n: number) => boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  await waitFor(
    async () => {
      const subs = await feed.call("subscribers", {});
      return products.every((p) => check(subs[p] ?? 0));
    },
    timeoutMs,
    what,
    50,
  );
}
