/**
 * Processes the benchmark starts, and what it reads about them from /proc.
 *
 * Every child leads its own process group, so that a server and whatever it forked (partykit
 * forks workerd and esbuild) go down together; the groups are killed by id when the run ends,
 * fails or is interrupted. CPU time, memory and open sockets come from the kernel's accounting
 * of each process, not from anything the process says about itself.
 */
import { type ChildProcess, execFileSync, fork, spawn } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { resolve } from "node:path";
import { signalGroup } from "../scripts/processes.ts";

export const BENCH_DIR = import.meta.dirname;
export const ROOT = resolve(BENCH_DIR, "..");

/** Process groups still running; killed on exit, however the run ends. */
const groups = new Set<number>();
const cleanups: (() => Promise<void>)[] = [];

/** Kills every group left, synchronously, so that it also works from an `exit` handler. */
export function killAllGroups(): void {
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
 * Ctrl-C, a kill, an uncaught error or a deadline: every group goes, then the run exits. The
 * deadline keeps a hung server from holding the machine that other people share.
 */
export function installCleanup(deadlineMs: number): void {
  if (installed) return;
  installed = true;
  process.once("exit", killAllGroups);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping every process the benchmark started`);
      killAllGroups();
      process.exit(130);
    });
  }
  process.on("uncaughtException", (err) => {
    console.error(err);
    killAllGroups();
    process.exit(1);
  });
  const timer = setTimeout(() => {
    console.error(`the benchmark ran past its ${Math.round(deadlineMs / 1000)} s limit; stopping`);
    killAllGroups();
    process.exit(124);
  }, deadlineMs);
  timer.unref();
}

/** Spawns a command as the leader of a new process group, with a higher fd limit if asked. */
export function spawnGroup(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; nofile?: number; output?: (text: string) => void } = {},
): ChildProcess {
  const [cmd, argv] = withFdLimit(command, args, options.nofile);
  const child = spawn(cmd, argv, {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: options.env ?? process.env,
  });
  track(child, cmd);
  const output = options.output ?? (() => undefined);
  child.stdout?.on("data", (chunk: Buffer) => output(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => output(chunk.toString()));
  return child;
}

/**
 * Forks one of the bench's own TypeScript modules with an IPC channel, in its own group. The
 * child leaves when the channel closes (see `exitWithParent`), so a parent killed with -9
 * does not leave it behind either.
 */
export function forkModule(
  file: string,
  options: { heapMb?: number; nofile?: number; args?: string[] } = {},
): ChildProcess {
  const execArgv = ["--import", "tsx"];
  if (options.heapMb) execArgv.push(`--max-old-space-size=${options.heapMb}`);
  const modulePath = resolve(BENCH_DIR, file);
  let child: ChildProcess;
  if (options.nofile && softFdLimit() < options.nofile) {
    // `fork` cannot raise a limit; prlimit execs node in place with the IPC fd still open.
    child = spawn(
      "prlimit",
      [
        `--nofile=${options.nofile}:${options.nofile}`,
        process.execPath,
        ...execArgv,
        modulePath,
        ...(options.args ?? []),
      ],
      { cwd: ROOT, detached: true, stdio: ["ignore", "inherit", "inherit", "ipc"] },
    );
  } else {
    child = fork(modulePath, options.args ?? [], {
      cwd: ROOT,
      detached: true,
      execArgv,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
  }
  track(child, file);
  return child;
}

/** For forked children: leave as soon as the parent's channel goes away. */
export function exitWithParent(): void {
  process.on("disconnect", () => process.exit(0));
}

function track(child: ChildProcess, what: string): void {
  const pgid = child.pid;
  if (pgid === undefined) throw new Error(`could not start ${what}`);
  groups.add(pgid);
  child.once("exit", () => {
    // The leader is gone, but members it forked may still run: keep the group if they do.
    if (livingMembers(pgid) === 0) groups.delete(pgid);
  });
}

/** SIGTERM to the group, then SIGKILL to whatever is left after `graceMs`. */
export async function stopGroup(child: ChildProcess, graceMs = 5000): Promise<void> {
  const pgid = child.pid;
  if (pgid === undefined) return;
  signalGroup(pgid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && livingMembers(pgid) > 0) await delay(25);
  if (livingMembers(pgid) > 0) {
    signalGroup(pgid, "SIGKILL");
    const hard = Date.now() + graceMs;
    while (Date.now() < hard && livingMembers(pgid) > 0) await delay(25);
  }
  groups.delete(pgid);
}

function withFdLimit(command: string, args: string[], nofile?: number): [string, string[]] {
  if (!nofile || softFdLimit() >= nofile) return [command, args];
  return ["prlimit", [`--nofile=${nofile}:${nofile}`, command, ...args]];
}

// ---------------------------------------------------------------------------------------------
// /proc

type Stat = { pid: number; comm: string; state: string; ppid: number; pgrp: number; ticks: number };

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
    ppid: Number(rest[1]),
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

function livingMembers(pgid: number): number {
  return allStats().filter((s) => s.pgrp === pgid && s.state !== "Z" && s.state !== "X").length;
}

/** Living processes in a group, with their command names. */
export function groupMembers(pgid: number): { pid: number; comm: string; ppid: number }[] {
  return allStats()
    .filter((s) => s.pgrp === pgid && s.state !== "Z" && s.state !== "X")
    .map(({ pid, comm, ppid }) => ({ pid, comm, ppid }));
}

const CLK_TCK = clockTicks();

function clockTicks(): number {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** User plus system CPU seconds a process has used so far, all its threads together. */
export function cpuSeconds(pid: number): number {
  const stat = readStat(pid);
  return stat ? stat.ticks / CLK_TCK : 0;
}

/** Resident memory in bytes (VmRSS). */
export function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** File descriptors of a process that are sockets (listening, upstream and client ones). */
export function socketCount(pid: number): number {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return 0;
  }
  let n = 0;
  for (const fd of fds) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith("socket:")) n++;
    } catch {
      // Closed while we looked.
    }
  }
  return n;
}

/** What a set of server processes has used: CPU seconds so far, memory and sockets now. */
export type Usage = { cpu: number; rss: number; sockets: number };

export function usageOf(pids: readonly number[], withSockets = true): Usage {
  let cpu = 0;
  let rss = 0;
  let sockets = 0;
  for (const pid of pids) {
    cpu += cpuSeconds(pid);
    rss += rssBytes(pid);
    if (withSockets) sockets += socketCount(pid);
  }
  return { cpu, rss, sockets };
}

/** The same, process by process, with each one's command name. */
export function usageByPid(pids: readonly number[]): (Usage & { pid: number; comm: string })[] {
  return pids.map((pid) => ({
    pid,
    comm: readStat(pid)?.comm ?? "?",
    ...usageOf([pid]),
  }));
}

/** The soft and hard limits on open files, as `ulimit -n` and `ulimit -Hn` would print. */
export function fdLimits(): { soft: number; hard: number } {
  const m = /Max open files\s+(\S+)\s+(\S+)/.exec(readFileSync("/proc/self/limits", "utf8"));
  const num = (s: string | undefined) => (s === "unlimited" ? Number.POSITIVE_INFINITY : Number(s));
  return { soft: num(m?.[1]), hard: num(m?.[2]) };
}

function softFdLimit(): number {
  return fdLimits().soft;
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

/** CPU seconds that processes other than `ours` used between two `cpuByPid` readings. */
export function othersCpu(
  before: Map<number, number>,
  after: Map<number, number>,
  ours: ReadonlySet<number>,
): number {
  let sum = 0;
  for (const [pid, cpu] of after) {
    if (ours.has(pid)) continue;
    sum += cpu - (before.get(pid) ?? 0);
  }
  return sum;
}
