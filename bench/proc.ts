/**
 * Processes the benchmark starts itself, and what it reads about any process from /proc.
 *
 * The bench's own children (client processes, the peer, the feed, and `wrangler dev`) each lead
 * a process group, killed by id when the run ends, fails or is interrupted; the Worker and
 * `partykit dev` are started and stopped by the tests' server helper. A server's cost is what
 * every living member of its process group used, as the kernel accounts for it: node, the
 * workerd processes it forked and anything else it started, not what a process says about
 * itself.
 */
import { type ChildProcess, execFileSync, fork } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { resolve } from "node:path";
import { signalGroup } from "../scripts/processes.ts";

export { ROOT } from "../scripts/settings.ts";

const BENCH_DIR = import.meta.dirname;

/** Process groups the bench started and that are still running; killed on exit. */
const groups = new Set<number>();
const cleanups: (() => Promise<void>)[] = [];

function killAllGroups(): void {
  for (const pgid of groups) signalGroup(pgid, "SIGKILL");
  groups.clear();
}

/** Runs on a normal end before the groups are killed: servers get to stop cleanly. */
export function onCleanup(fn: () => Promise<void>): void {
  cleanups.push(fn);
}

export async function cleanupAll(): Promise<void> {
  for (const fn of cleanups.splice(0).reverse()) {
    await fn().catch(() => undefined);
  }
  killAllGroups();
}

let installed = false;

/**
 * Ctrl-C, a kill, an uncaught error or a deadline: every group goes, then the run exits (the
 * server helper kills its own groups on exit). The deadline keeps a hung server from holding
 * the machine that other people share.
 */
export function installCleanup(deadlineMs: number): void {
  if (installed) return;
  installed = true;
  process.once("exit", killAllGroups);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping every process the benchmark started`);
      process.exit(130);
    });
  }
  process.on("uncaughtException", (err) => {
    console.error(err);
    process.exit(1);
  });
  const timer = setTimeout(() => {
    console.error(`the benchmark ran past its ${Math.round(deadlineMs / 1000)} s limit; stopping`);
    process.exit(124);
  }, deadlineMs);
  timer.unref();
}

/** Counts a child that leads its own group among those killed when the run ends. */
export function trackGroup(child: ChildProcess, what: string): number {
  const pgid = child.pid;
  if (pgid === undefined) throw new Error(`could not start ${what}`);
  groups.add(pgid);
  return pgid;
}

/**
 * Forks one of the bench's own TypeScript modules with an IPC channel, in its own group. The
 * child leaves when the channel closes (see `exitWithParent`), so a parent killed with -9
 * does not leave it behind either.
 */
export function forkModule(
  file: string,
  options: { heapMb?: number; args?: string[] } = {},
): ChildProcess {
  const execArgv = ["--import", "tsx"];
  if (options.heapMb) execArgv.push(`--max-old-space-size=${options.heapMb}`);
  const child = fork(resolve(BENCH_DIR, file), options.args ?? [], {
    detached: true,
    execArgv,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  trackGroup(child, file);
  return child;
}

/** For forked children: leave as soon as the parent's channel goes away. */
export function exitWithParent(): void {
  process.on("disconnect", () => process.exit(0));
}

/** SIGTERM to the group, then SIGKILL to whatever is left after `graceMs`. */
export async function stopGroup(pgid: number, graceMs = 5000): Promise<void> {
  for (const signal of ["SIGTERM", "SIGKILL"] as const) {
    signalGroup(pgid, signal);
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && groupMembers(pgid).length > 0) await delay(25);
    if (groupMembers(pgid).length === 0) break;
  }
  groups.delete(pgid);
}

// ---------------------------------------------------------------------------------------------
// /proc

type Stat = { pid: number; comm: string; state: string; pgrp: number; ticks: number };

function readStat(pid: number): Stat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  // After the parenthesised name: state ppid pgrp session tty tpgid flags minflt cminflt majflt
  // cmajflt utime stime ...
  const rest = text.slice(close + 2).split(" ");
  return {
    pid,
    comm: text.slice(open + 1, close),
    state: rest[0] ?? "?",
    pgrp: Number(rest[2]),
    ticks: Number(rest[11]) + Number(rest[12]),
  };
}

function allStats(): Stat[] {
  const stats: Stat[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) stats.push(stat);
  }
  return stats;
}

/** Living processes of a group (an exited one that is not reaped yet uses nothing). */
export function groupMembers(pgid: number): { pid: number; comm: string }[] {
  return allStats()
    .filter((s) => s.pgrp === pgid && s.state !== "Z" && s.state !== "X")
    .map(({ pid, comm }) => ({ pid, comm }));
}

/** The process group of whatever listens on a local TCP port, from /proc/net/tcp{,6}. */
export function listenerGroup(port: number): number | null {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[1]?.endsWith(`:${hexPort}`) && f[3] === "0A" && f[9]) inodes.add(`socket:[${f[9]}]`);
    }
  }
  if (inodes.size === 0) return null;
  for (const entry of readdirSync("/proc")) {
    if (/^\d+$/.test(entry) && socketLinks(Number(entry)).some((link) => inodes.has(link))) {
      return readStat(Number(entry))?.pgrp ?? null;
    }
  }
  return null;
}

/** The sockets (`socket:[inode]`) among a process's open files: listening, upstream, clients. */
function socketLinks(pid: number): string[] {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  const links: string[] = [];
  for (const fd of fds) {
    try {
      const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (link.startsWith("socket:")) links.push(link);
    } catch {
      // Closed while we looked.
    }
  }
  return links;
}

const CLK_TCK = clockTicks();

function clockTicks(): number {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** Resident memory in bytes (VmRSS). */
function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** What a set of server processes has used: CPU seconds so far, memory and sockets now. */
export type Usage = { cpu: number; rss: number; sockets: number };

export function usageOf(pids: readonly number[], withSockets = true): Usage {
  let cpu = 0;
  let rss = 0;
  let sockets = 0;
  for (const pid of pids) {
    cpu += (readStat(pid)?.ticks ?? 0) / CLK_TCK;
    rss += rssBytes(pid);
    if (withSockets) sockets += socketLinks(pid).length;
  }
  return { cpu, rss, sockets };
}

/** The same, process by process, with each one's command name. */
export function usageByPid(pids: readonly number[]): (Usage & { pid: number; comm: string })[] {
  return pids.map((pid) => ({ pid, comm: readStat(pid)?.comm ?? "?", ...usageOf([pid]) }));
}

/** The hard limit on open files (node raises its soft limit to it, and children inherit it). */
export function fdHardLimit(): number {
  const m = /Max open files\s+\S+\s+(\S+)/.exec(readFileSync("/proc/self/limits", "utf8"));
  return m?.[1] === "unlimited" ? Number.POSITIVE_INFINITY : Number(m?.[1]);
}

/** The whole machine's CPU time so far, from /proc/stat, in seconds (all cores together). */
export function machineCpu(): { busy: number; softirq: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  // user nice system idle iowait irq softirq steal
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const at = (i: number) => f[i] ?? 0;
  const total = [0, 1, 2, 3, 4, 5, 6, 7].reduce((sum, i) => sum + at(i), 0);
  return {
    busy: (total - at(3) - at(4)) / CLK_TCK,
    softirq: (at(5) + at(6)) / CLK_TCK,
    total: total / CLK_TCK,
  };
}

/** CPU seconds used so far by every process on the machine, by pid. */
export function cpuByPid(): Map<number, number> {
  const out = new Map<number, number>();
  for (const s of allStats()) out.set(s.pid, s.ticks / CLK_TCK);
  return out;
}

/**
 * CPU seconds that `pids` used between two `cpuByPid` readings. A process that started in
 * between counts from zero; one that ended in between is lost, which a server in steady state
 * does not do.
 */
export function cpuOf(
  pids: Iterable<number>,
  before: Map<number, number>,
  after: Map<number, number>,
): number {
  let sum = 0;
  for (const pid of pids) sum += (after.get(pid) ?? 0) - (before.get(pid) ?? 0);
  return sum;
}

/** CPU seconds that processes other than `ours` used between two `cpuByPid` readings. */
export function othersCpu(
  before: Map<number, number>,
  after: Map<number, number>,
  ours: ReadonlySet<number>,
): number {
  return cpuOf(
    [...after.keys()].filter((pid) => !ours.has(pid)),
    before,
    after,
  );
}

// ---------------------------------------------------------------------------------------------
// Small things

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}

export function sleepUntil(time: number): Promise<void> {
  return delay(time - Date.now());
}

/** Polls until `check` holds; throws with `what` after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  pollMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(pollMs);
  }
}
