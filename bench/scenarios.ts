/**
 * What the benchmark runs. Streaming scenarios run each runtime in turn, then the peer, with
 * the same clients and the same feed settings, never two at once (they would share the two
 * cores). The push, snapshot and cost scenarios concern the rooms, on each runtime in turn.
 */
import type { Fleet, FleetTotals, OpenResult } from "./fleet.ts";
import { Histogram, percentileOf } from "./histogram.ts";
import { getJson, httpRequest, keepAliveAgent } from "./http.ts";
import {
  cpuByPid,
  cpuOf,
  delay,
  machineCpu,
  othersCpu,
  sleepUntil,
  usageByPid,
  usageOf,
} from "./proc.ts";
import {
  type Feed,
  type Measured,
  type Peer,
  type Runtime,
  type RuntimeName,
  type TargetName,
  waitForSubscribers,
} from "./targets.ts";

export type Context = {
  /** The runtimes measured, in the order they run in each scenario. */
  runtimes: Runtime[];
  peer: Peer;
  feed: Feed;
  fleet: Fleet;
  quick: boolean;
  token: string;
  log(line: string): void;
};

// ---------------------------------------------------------------------------------------------
// Streaming: real clients on rooms fed by the feed

export type StreamSpec = {
  name: string;
  title: string;
  /** Room symbols: `${prefix}0-USD`, `${prefix}1-USD`, … */
  prefix: string;
  rooms: number;
  /** Sockets in all, spread evenly over the rooms (one socket per client). */
  clients: number;
  /** Trades per second per room; several rates make several steps on the same sockets. */
  rates: number[];
  windowMs: number;
  warmupMs: number;
};

export type RoomCost = {
  storageWritesPerMin: number;
  alarmsPerMin: number;
  /** Writes per room over `seconds`, for a verdict that allows for the window's edges. */
  storageWrites: number;
  seconds: number;
};

/**
 * "At most one storage write a second": a room that writes once a second shows one more write
 * than whole seconds when the window catches both edges, which is not a second write.
 */
export function withinOneWritePerSecond(writes: number, seconds: number): boolean {
  return writes <= Math.floor(seconds) + 1;
}

export type StreamStep = {
  rate: number;
  windowMs: number;
  ticksPerSec: number;
  framesPerSec: number;
  bytesPerSec: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
  /** Ticks due in the window that reached a client within the grace period after it. */
  delivered: number;
  /** Trades due in the window × sockets on their room. */
  expected: number;
  share: number;
  late: number;
  /** Server CPU over the window, in seconds and in % of one core. */
  serverCpu: number;
  serverCpuPct: number;
  cpuPerTickUs: number | null;
  rssMb: number;
  /** Memory the server gained since before the clients came, per client socket open, in KB. */
  kbPerSocket: number | null;
  serverSockets: number;
  /** Memory and sockets of each server process at the end of the window. */
  processes: { pid: number; comm: string; rssMb: number; sockets: number }[];
  clientsOpen: number;
  /** Each client process's CPU in % of one core: near 100 means the clients set the pace. */
  clientCpuPct: number[];
  feedLagP99: number | null;
  /**
   * The whole machine's busy CPU in % of one core, the part of it spent in interrupts (the
   * loopback network), and what processes that are not the benchmark's used (other people's
   * work on a shared machine: noise).
   */
  machinePct: number;
  softirqPct: number;
  othersPct: number;
  /** The feed process's CPU in % of one core. */
  feedCpuPct: number;
  gaps: number;
  gapTicks: number;
  duplicates: number;
  duplicateTicks: number;
  resyncs: number;
  errors: number;
  closeCodes: Record<string, number>;
  /** Runtimes only, from the rooms' own counters, averaged over the rooms. */
  roomCost: RoomCost | null;
  /**
   * One-room runs on a runtime: the sockets the ticker room held itself and each relay room's
   * (shard, sockets, frames and sends it reported), at the end of the window.
   */
  spread: RoomSpread | null;
};

export type RoomSpread = {
  direct: number;
  relays: { shard: number; sockets: number; frames: number; sends: number }[];
};

export type StreamSide = {
  target: TargetName;
  open: OpenResult & { ms: number };
  /** Sockets the server accepted per second while the clients opened them 200 at a time. */
  acceptedPerSec: number;
  idleRssMb: number;
  steps: StreamStep[];
  /** The runner rebuilt the rooms during the run: its sockets were dropped by a file change. */
  reloads: number;
  /**
   * Sockets the clients closed at the end, how many the server answered with a close frame
   * within half a second, and how long after that the upstream subscriptions were gone.
   */
  close?: { closed: number; clean: number; upstreamsMs: number };
  /** Measurements taken, when reloads made the first ones useless. */
  attempts?: number;
  /** Why the rates stopped before the last one. */
  note?: string;
  error?: string;
};

export type StreamResult = {
  kind: "stream";
  name: string;
  title: string;
  rooms: number;
  clients: number;
  rates: number[];
  graceMs: number;
  /** Each runtime's side in the order they ran, the peer's last. */
  sides: StreamSide[];
};

const OPEN_BATCH = 200;
const MB = 1024 * 1024;

export async function runStream(ctx: Context, spec: StreamSpec): Promise<StreamResult> {
  const graceMs = ctx.quick ? 500 : 1000;
  const sides: StreamSide[] = [];
  for (const runtime of ctx.runtimes) {
    try {
      sides.push(
        await withReloadRetry(ctx, runtime, spec.name, () =>
          streamSide(ctx, spec, runtime, graceMs),
        ),
      );
    } catch (err) {
      sides.push(unavailableSide(ctx, spec, runtime, err));
    }
  }
  alone(ctx, ctx.peer);
  sides.push(await streamSide(ctx, spec, ctx.peer, graceMs));
  // Between scenarios every runner may catch up on the file changes it has been held from.
  resumeAll(ctx);
  return {
    kind: "stream",
    name: spec.name,
    title: spec.title,
    rooms: spec.rooms,
    clients: spec.clients,
    rates: spec.rates,
    graceMs,
    sides,
  };
}

/** A runtime that could not be measured at all: it died and would not start again. */
function unavailableSide(
  ctx: Context,
  spec: StreamSpec,
  runtime: Runtime,
  err: unknown,
): StreamSide {
  const error = `${runtime.name} unavailable: ${(err instanceof Error ? err.message : String(err)).split("\n")[0]}`;
  ctx.log(`${spec.name} · ${error}`);
  return {
    target: runtime.name,
    open: { requested: spec.clients, opened: 0, failed: 0, ms: 0 },
    acceptedPerSec: 0,
    idleRssMb: 0,
    steps: [],
    reloads: 0,
    error,
  };
}

/**
 * Only the server being measured runs: every runtime's process group but its own is paused
 * (the peer and the feed have nothing to pause), so that a runner rebuilding on a file change
 * or any other work of theirs cannot take the two cores from it.
 */
function alone(ctx: Context, server: Measured): void {
  for (const runtime of ctx.runtimes) {
    if (runtime.name === server.name) runtime.resume();
    else runtime.pause();
  }
}

/** Every runtime runs again: before the servers stop, and between measurements. */
export function resumeAll(ctx: Context): void {
  for (const runtime of ctx.runtimes) runtime.resume();
}

async function streamSide(
  ctx: Context,
  spec: StreamSpec,
  server: Measured,
  graceMs: number,
): Promise<StreamSide> {
  const { feed, fleet } = ctx;
  const runtime = runtimeOf(ctx, server);
  const symbols = Array.from({ length: spec.rooms }, (_, i) => `${spec.prefix}${i}-USD`);
  const perRoom = new Map<string, number>(symbols.map((s) => [s, 0]));
  const urls: string[] = [];
  for (let k = 0; k < spec.clients; k++) {
    const symbol = symbols[k % symbols.length] as string;
    perRoom.set(symbol, (perRoom.get(symbol) ?? 0) + 1);
    urls.push(server.wsUrl(symbol));
  }
  const reloadsBefore = runtime?.reloads() ?? 0;
  const idleRss = usageOf(server.pids(), false).rss;
  const side: StreamSide = {
    target: server.name,
    open: { requested: urls.length, opened: 0, failed: 0, ms: 0 },
    acceptedPerSec: 0,
    idleRssMb: idleRss / MB,
    steps: [],
    reloads: 0,
  };
  ctx.log(`${spec.name} · ${server.name}: ${spec.clients} clients on ${spec.rooms} room(s)`);
  try {
    await feed.call("configure", { products: symbols, rate: spec.rates[0] as number });
    if (runtime) await checkSources(runtime, symbols, false);

    const opening = Date.now();
    const open = await fleet.open(urls, OPEN_BATCH);
    side.open = { ...open, ms: Date.now() - opening };
    side.acceptedPerSec = open.opened / (Math.max(1, side.open.ms) / 1000);
    ctx.log(`  ${open.opened}/${open.requested} sockets open in ${side.open.ms} ms`);
    if (open.opened === 0) throw new Error(`no socket opened: ${open.error ?? "?"}`);
    await waitForSubscribers(feed, symbols, (n) => n >= 1, 20_000, "every room to subscribe");

    for (const [i, rate] of spec.rates.entries()) {
      await feed.call("start", { rate });
      await delay(spec.warmupMs);
      const step = await measureStep(ctx, server, symbols, perRoom, rate, spec.windowMs, graceMs);
      step.kbPerSocket =
        step.clientsOpen > 0 ? (step.rssMb * MB - idleRss) / 1024 / step.clientsOpen : null;
      side.steps.push(step);
      ctx.log(`  ${describeStep(step)}`);
      await feed.call("pause", {});
      // Checked after the window, so that a room that has fallen behind is still measured.
      if (runtime && i === 0) {
        await checkSources(runtime, symbols, true).catch((err: Error) => {
          side.note = `after the window: ${err.message}`;
          ctx.log(`  ${side.note}`);
        });
      }
      if (i === spec.rates.length - 1) break;
      if (saturated(step)) {
        side.note = `saturated at ${rate} trades/s: higher rates not run`;
        ctx.log(`  ${side.note}`);
        break;
      }
      if (!(await waitQuiet(fleet, 10_000))) {
        side.note = `still sending 10 s after ${rate} trades/s stopped: higher rates not run`;
        ctx.log(`  ${side.note}`);
        break;
      }
    }
  } catch (err) {
    side.error = err instanceof Error ? err.message : String(err);
    if (runtime && !(await runtime.alive())) side.error += `; ${diedOf(runtime)}`;
    ctx.log(`  failed: ${side.error}`);
  } finally {
    await feed.call("pause", {}).catch(() => undefined);
    const closing = await fleet.close().catch(() => ({ closed: 0, clean: 0 }));
    side.close = { ...closing, upstreamsMs: 0 };
    // What went wrong on these sockets (a server that failed mid-way) must not be counted
    // against the next server's.
    await fleet.collect().catch(() => undefined);
    const closed = Date.now();
    if (runtime) side.reloads = runtime.reloads() - reloadsBefore;
    // Rooms (and the peer) close their upstream when the last client leaves.
    await waitForSubscribers(feed, symbols, (n) => n === 0, 20_000, "upstreams to close").catch(
      (err: Error) => ctx.log(`  note: ${err.message}`),
    );
    side.close.upstreamsMs = Date.now() - closed;
  }
  return side;
}

async function measureStep(
  ctx: Context,
  server: Measured,
  symbols: string[],
  perRoom: Map<string, number>,
  rate: number,
  windowMs: number,
  graceMs: number,
): Promise<StreamStep> {
  const { feed, fleet } = ctx;
  const runtime = runtimeOf(ctx, server);
  // The rooms' counters are read just outside the window, so reading them costs it nothing.
  const stats0 = runtime ? await allRoomStats(runtime, symbols, ctx.token) : null;
  const start = Date.now() + 50;
  const end = start + windowMs;
  await Promise.all([fleet.window(start, end, end + graceMs), feed.call("window", { start, end })]);
  // Everything the benchmark runs, including the servers not being measured, is "ours".
  const ours = new Set<number>([
    process.pid,
    process.ppid,
    ...fleet.pids,
    feed.pid,
    ...ctx.peer.pids(),
    ...ctx.runtimes.flatMap((r) => r.pids()),
  ]);

  await sleepUntil(start);
  const all0 = cpuByPid();
  const machine0 = machineCpu();

  await sleepUntil(end);
  const all1 = cpuByPid();
  const machine1 = machineCpu();
  const pids = server.pids();
  const serverCpu = cpuOf(pids, all0, all1);
  const usage = usageOf(pids, true);
  const stats1 = runtime ? await allRoomStats(runtime, symbols, ctx.token) : null;
  const processes = usageByPid(pids).map((u) => ({
    pid: u.pid,
    comm: u.comm,
    rssMb: u.rss / MB,
    sockets: u.sockets,
  }));

  await sleepUntil(end + graceMs);
  const totals = await fleet.collect();
  const counts = await feed.call("counts", {});
  // Read apart, and patiently: a server that is behind answers late, and the spread still counts.
  const one = symbols.length === 1 ? (symbols[0] as string) : null;
  const spread =
    runtime && one
      ? spreadOf(await roomStats(runtime.url, one, ctx.token, SPREAD_TIMEOUT_MS))
      : null;

  let expected = 0;
  for (const symbol of symbols) {
    expected += (counts.due[symbol] ?? 0) * (perRoom.get(symbol) ?? 0);
  }
  const seconds = windowMs / 1000;
  const serverCpuPct = (serverCpu / seconds) * 100;
  const feedLag = new Histogram();
  feedLag.add(counts.lag);
  return {
    rate,
    windowMs,
    ticksPerSec: totals.delivered / seconds,
    framesPerSec: totals.frames / seconds,
    bytesPerSec: totals.bytes / seconds,
    p50: totals.delays.percentile(50),
    p99: totals.delays.percentile(99),
    max: totals.delays.max(),
    delivered: totals.delivered,
    expected,
    share: expected > 0 ? totals.delivered / expected : 0,
    late: totals.late,
    serverCpu,
    serverCpuPct,
    cpuPerTickUs: totals.delivered > 0 ? (serverCpu / totals.delivered) * 1e6 : null,
    rssMb: usage.rss / MB,
    kbPerSocket: null,
    serverSockets: usage.sockets,
    processes,
    clientsOpen: totals.open,
    clientCpuPct: totals.cpu.map((c) => (c / seconds) * 100),
    feedLagP99: feedLag.percentile(99),
    machinePct: ((machine1.busy - machine0.busy) / seconds) * 100,
    softirqPct: ((machine1.softirq - machine0.softirq) / seconds) * 100,
    othersPct: (othersCpu(all0, all1, ours) / seconds) * 100,
    feedCpuPct: (((all1.get(feed.pid) ?? 0) - (all0.get(feed.pid) ?? 0)) / seconds) * 100,
    gaps: totals.gaps,
    gapTicks: totals.gapTicks,
    duplicates: totals.duplicates,
    duplicateTicks: totals.duplicateTicks,
    resyncs: totals.resyncs,
    errors: errorsOf(totals),
    closeCodes: totals.closeCodes,
    roomCost: stats0 && stats1 ? costPerMinute(stats0, stats1) : null,
    spread,
  };
}

const SPREAD_TIMEOUT_MS = 15_000;

function spreadOf(stats: RoomStats | null): RoomSpread | null {
  if (stats?.direct === undefined) return null;
  return { direct: stats.direct, relays: stats.relays ?? [] };
}

function errorsOf(t: FleetTotals): number {
  return t.socketErrors + t.errorFrames + t.unexpectedCloses;
}

/**
 * Past this a server has fallen behind for good in an open-loop run: its backlog only grows,
 * and a higher rate would measure the backlog, not the rate.
 */
function saturated(step: StreamStep): boolean {
  return step.share < 0.9 || step.p99 === null || step.p99 > 1000;
}

/** After a step, the servers drain what they still hold before the next rate starts. */
async function waitQuiet(fleet: Fleet, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await fleet.quietMs()) >= 300) return true;
    await delay(100);
  }
  return false;
}

/** A room that has fallen behind may answer late or not at all; the run goes on without it. */
const HTTP_TIMEOUT_MS = 10_000;

type SnapshotHead = { source?: string; status?: string; quote?: unknown; seq?: number };

/**
 * The rooms must take the feed: `source` is "coinbase" from the start (FEEDS), and once trades
 * have flowed the snapshot has a quote. Otherwise the run would measure a simulator.
 */
async function checkSources(runtime: Runtime, symbols: string[], live: boolean): Promise<void> {
  const agent = keepAliveAgent(4);
  try {
    for (const symbol of symbols) {
      const url = `${runtime.url}/parties/ticker/${symbol}`;
      const snap = await getJson<SnapshotHead>(agent, url, HTTP_TIMEOUT_MS);
      if (snap.source !== "coinbase") {
        throw new Error(`${symbol} has source "${snap.source}", not "coinbase": FEEDS not applied`);
      }
      if (live && snap.quote == null) {
        throw new Error(`${symbol} has no quote: the feed did not reach it`);
      }
    }
  } finally {
    agent.destroy();
  }
}

function describeStep(s: StreamStep): string {
  const fmt = (n: number | null) => (n === null ? "–" : String(n));
  return [
    `${s.rate}/s:`,
    `${Math.round(s.ticksPerSec).toLocaleString("en")} ticks/s`,
    `${Math.round(s.framesPerSec).toLocaleString("en")} frames/s`,
    `p50 ${fmt(s.p50)} ms p99 ${fmt(s.p99)} ms max ${fmt(s.max)} ms`,
    `${(s.share * 100).toFixed(2)}% arrived`,
    `cpu ${s.serverCpuPct.toFixed(0)}%`,
    `${s.cpuPerTickUs?.toFixed(2) ?? "–"} µs/tick`,
    `clients ${s.clientCpuPct.map((c) => c.toFixed(0)).join("+")}%`,
    `feed ${s.feedCpuPct.toFixed(0)}% (p99 lag ${fmt(s.feedLagP99)} ms)`,
    `others ${s.othersPct.toFixed(0)}%`,
    s.gaps + s.duplicates > 0 ? `GAPS ${s.gaps} DUPS ${s.duplicates}` : "",
    s.errors > 0 ? `errors ${s.errors}` : "",
    s.spread && s.spread.relays.length > 0
      ? `room ${s.spread.direct} + relays ${s.spread.relays.map((r) => r.sockets).join("/")}`
      : "",
  ]
    .filter(Boolean)
    .join(" ");
}

// ---------------------------------------------------------------------------------------------
// The rooms' own counters (`GET /parties/ticker/:symbol?stats`)

export type RoomStats = {
  since: number;
  storageWrites: number;
  alarms: number;
  frames?: number;
  sends?: number;
  ticks?: number;
  subscribers?: number;
  direct?: number;
  relays?: RoomSpread["relays"];
};

/** A room's counters, read with the ingest token (`?stats` answers nobody else). */
async function roomStats(
  url: string,
  symbol: string,
  token: string,
  timeoutMs = HTTP_TIMEOUT_MS,
): Promise<RoomStats | null> {
  const agent = keepAliveAgent(1);
  try {
    const res = await httpRequest(agent, "GET", `${url}/parties/ticker/${symbol}?stats`, {
      timeoutMs,
      headers: { authorization: `Bearer ${token}` },
    });
    if (res.status !== 200) return null;
    const body = JSON.parse(res.text) as Partial<RoomStats>;
    return typeof body.storageWrites === "number" && typeof body.alarms === "number"
      ? (body as RoomStats)
      : null;
  } catch {
    return null;
  } finally {
    agent.destroy();
  }
}

type StatsReading = { at: number; rooms: Map<string, RoomStats> };

async function allRoomStats(
  runtime: Runtime,
  symbols: string[],
  token: string,
): Promise<StatsReading | null> {
  const rooms = new Map<string, RoomStats>();
  for (const symbol of symbols) {
    const stats = await roomStats(runtime.url, symbol, token);
    if (!stats) return null;
    rooms.set(symbol, stats);
  }
  return { at: Date.now(), rooms };
}

/** Writes and alarms per room per minute between two readings of every room's counters. */
function costPerMinute(a: StatsReading, b: StatsReading): RoomCost | null {
  const minutes = (b.at - a.at) / 60_000;
  let writes = 0;
  let alarms = 0;
  for (const [symbol, before] of a.rooms) {
    const after = b.rooms.get(symbol);
    // A restarted room instance counts from zero again: its difference means nothing.
    if (!after || after.since !== before.since) return null;
    writes += after.storageWrites - before.storageWrites;
    alarms += after.alarms - before.alarms;
  }
  const rooms = a.rooms.size;
  if (rooms === 0 || minutes <= 0) return null;
  return {
    storageWritesPerMin: writes / rooms / minutes,
    alarmsPerMin: alarms / rooms / minutes,
    storageWrites: writes / rooms,
    seconds: minutes * 60,
  };
}

/** Why a runner that stopped answering died, from the last fatal line it printed. */
function diedOf(runtime: Runtime): string {
  const fatal = runtime
    .output()
    .split("\n")
    .findLast((line) => /fatal|too many open files|out of memory/i.test(line));
  const why = fatal?.match(/[^:]*(too many open files|out of memory)[^:]*/i)?.[0] ?? fatal;
  return `${runtime.name} stopped answering${why ? ` (${why.trim().slice(0, 120)})` : ""}`;
}

/** The runtime a measured server is, or null for the peer. */
function runtimeOf(ctx: Context, server: Measured): Runtime | null {
  return ctx.runtimes.find((r) => r.name === server.name) ?? null;
}

/**
 * Measures a runtime again when its runner reloaded the rooms meanwhile: `partykit dev` and
 * `wrangler dev` rebuild and restart them when a file under party/ changes (other people work
 * in this tree), which drops every socket and counter, so such figures would mean nothing.
 * The Worker as `npm start` serves it watches nothing. Up to three attempts, each one
 * starting at least RELOAD_SETTLE_MS after the last reload, so that the rooms are back.
 */
async function withReloadRetry<T extends object>(
  ctx: Context,
  runtime: Runtime,
  name: string,
  run: (attempt: number) => Promise<T>,
): Promise<T & { attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    alone(ctx, runtime);
    await sleepUntil(runtime.reloadedAt() + RELOAD_SETTLE_MS);
    if (!(await runtime.alive())) {
      ctx.log(`${name} · ${runtime.name}: the rooms do not answer (crashed?): restarting`);
      await runtime.restart();
    }
    const before = runtime.reloads();
    const result = await run(attempt);
    if (runtime.reloads() === before || attempt >= 3) return { ...result, attempts: attempt };
    ctx.log(`${name} · ${runtime.name}: the rooms reloaded (a file changed): measuring again`);
  }
}

const RELOAD_SETTLE_MS = 3000;

/** Runs a rooms-only measurement on each runtime in turn. */
async function onEachRuntime<T extends object>(
  ctx: Context,
  name: string,
  run: (runtime: Runtime, attempt: number) => Promise<T>,
): Promise<(T & { runtime: RuntimeName; attempts: number })[]> {
  const out: (T & { runtime: RuntimeName; attempts: number })[] = [];
  for (const runtime of ctx.runtimes) {
    try {
      const result = await withReloadRetry(ctx, runtime, name, (n) => run(runtime, n));
      out.push({ ...result, runtime: runtime.name });
    } catch (err) {
      ctx.log(`${name} · ${runtime.name} unavailable, not measured: ${(err as Error).message}`);
    }
  }
  resumeAll(ctx);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Pushes: POST /parties/ticker/:symbol with INGEST_TOKEN

export type PushCase = {
  batch: number;
  concurrency: number;
  requests: number;
  ticks: number;
  seconds: number;
  requestsPerSec: number;
  ticksPerSec: number;
  p50: number | null;
  p99: number | null;
  errors: number;
  firstError?: string;
  serverCpuPerRequestUs: number | null;
};

export type PushRun = { runtime: RuntimeName; attempts: number; cases: PushCase[] };

export type PushResult = { kind: "push"; name: "push"; title: string; runs: PushRun[] };

export async function runPush(ctx: Context): Promise<PushResult> {
  const seconds = ctx.quick ? 0.75 : 4;
  const runs = await onEachRuntime(ctx, "push", async (runtime) => {
    const cases: PushCase[] = [];
    for (const batch of [1, 10, 100]) {
      for (const concurrency of [1, 4]) {
        const c = await pushCase(ctx, runtime, batch, concurrency, seconds);
        cases.push(c);
        ctx.log(
          `push · ${runtime.name} ${batch} tick(s) × ${concurrency} at once: ${c.requestsPerSec.toFixed(0)} req/s, ${c.ticksPerSec.toFixed(0)} ticks/s, p50 ${c.p50?.toFixed(1)} ms p99 ${c.p99?.toFixed(1)} ms${c.errors ? `, ${c.errors} errors (${c.firstError})` : ""}`,
        );
      }
    }
    return { cases };
  });
  return { kind: "push", name: "push", title: "Push path", runs };
}

async function pushCase(
  ctx: Context,
  runtime: Runtime,
  batch: number,
  concurrency: number,
  seconds: number,
): Promise<PushCase> {
  const agent = keepAliveAgent(concurrency);
  const headers = { authorization: `Bearer ${ctx.token}` };
  // Each concurrent pusher has its own room, as a bridge pushing several symbols would.
  const rooms = Array.from({ length: concurrency }, (_, k) => `PUSH${batch}X${concurrency}N${k}`);
  const lastTime = new Map<string, number>();
  const body = (symbol: string) => {
    const t = Math.max(Date.now(), lastTime.get(symbol) ?? 0);
    lastTime.set(symbol, t);
    const ticks = Array.from({ length: batch }, (_, i) => [t, 100 + ((i * 7) % 50) / 100, 1]);
    return JSON.stringify({ ticks });
  };
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const push = async (symbol: string, record: boolean) => {
    try {
      const res = await httpRequest(agent, "POST", `${runtime.url}/parties/ticker/${symbol}`, {
        body: body(symbol),
        headers,
      });
      if (res.status !== 200) throw new Error(`HTTP ${res.status} ${res.text.slice(0, 120)}`);
      if (record) latencies.push(res.ms);
    } catch (err) {
      errors++;
      firstError ??= (err as Error).message;
    }
  };
  try {
    // The first push creates the room and switches it from simulated to pushed prices.
    for (const room of rooms) await push(room, false);
    errors = 0;
    firstError = undefined;
    const cpu0 = cpuByPid();
    const started = performance.now();
    const end = started + seconds * 1000;
    await Promise.all(
      rooms.map(async (room) => {
        while (performance.now() < end) await push(room, true);
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    const cpu = cpuOf(runtime.pids(), cpu0, cpuByPid());
    const requests = latencies.length;
    return {
      batch,
      concurrency,
      requests,
      ticks: requests * batch,
      seconds: elapsed,
      requestsPerSec: requests / elapsed,
      ticksPerSec: (requests * batch) / elapsed,
      p50: percentileOf(latencies, 50),
      p99: percentileOf(latencies, 99),
      errors,
      ...(firstError ? { firstError } : {}),
      serverCpuPerRequestUs: requests > 0 ? (cpu / requests) * 1e6 : null,
    };
  } finally {
    agent.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Snapshots: GET /parties/ticker/:symbol

export type SnapshotRun = {
  runtime: RuntimeName;
  attempts: number;
  cold: {
    samples: number;
    p50: number | null;
    p99: number | null;
    max: number | null;
    bytes: number;
  };
  warm: { samples: number; p50: number | null; p99: number | null; bytes: number };
};

export type SnapshotResult = {
  kind: "snapshot";
  name: "snapshot";
  title: string;
  runs: SnapshotRun[];
};

export async function runSnapshot(ctx: Context): Promise<SnapshotResult> {
  const runs = await onEachRuntime(ctx, "snapshot", (runtime, attempt) =>
    snapshots(ctx, runtime, attempt),
  );
  return { kind: "snapshot", name: "snapshot", title: "Snapshot latency (HTTP GET)", runs };
}

async function snapshots(
  ctx: Context,
  runtime: Runtime,
  attempt: number,
): Promise<Pick<SnapshotRun, "cold" | "warm">> {
  const coldCount = ctx.quick ? 5 : 20;
  const warmCount = ctx.quick ? 100 : 500;
  const agent = keepAliveAgent(1);
  try {
    // Simulated rooms: the first request creates the room and backfills a day of candles.
    const cold: number[] = [];
    let coldBytes = 0;
    for (let k = 0; k < coldCount; k++) {
      const res = await httpRequest(
        agent,
        "GET",
        `${runtime.url}/parties/ticker/COLD${attempt}N${k}`,
      );
      if (res.status !== 200) throw new Error(`cold GET: HTTP ${res.status}`);
      cold.push(res.ms);
      coldBytes = res.text.length;
    }
    const warm: number[] = [];
    let warmBytes = 0;
    for (let k = 0; k < warmCount; k++) {
      const res = await httpRequest(agent, "GET", `${runtime.url}/parties/ticker/COLD${attempt}N0`);
      if (res.status !== 200) throw new Error(`warm GET: HTTP ${res.status}`);
      warm.push(res.ms);
      warmBytes = res.text.length;
    }
    const result: Pick<SnapshotRun, "cold" | "warm"> = {
      cold: {
        samples: cold.length,
        p50: percentileOf(cold, 50),
        p99: percentileOf(cold, 99),
        max: Math.max(...cold),
        bytes: coldBytes,
      },
      warm: {
        samples: warm.length,
        p50: percentileOf(warm, 50),
        p99: percentileOf(warm, 99),
        bytes: warmBytes,
      },
    };
    ctx.log(
      `snapshot · ${runtime.name} cold p50 ${result.cold.p50?.toFixed(1)} ms p99 ${result.cold.p99?.toFixed(1)} ms, warm p50 ${result.warm.p50?.toFixed(2)} ms p99 ${result.warm.p99?.toFixed(2)} ms (${(warmBytes / 1024).toFixed(0)} KiB)`,
    );
    return result;
  } finally {
    agent.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Cost counters inside the rooms, with and without subscribers

export type CostPhase = {
  seconds: number;
  storageWrites: number;
  alarms: number;
  storageWritesPerMin: number;
  alarmsPerMin: number;
  frames: number | null;
  ticks: number | null;
  subscribers: number | null;
  /** Times the room's instance was replaced during the span. */
  restarts: number;
};

export type CostRoom = {
  symbol: string;
  source: "sim" | "coinbase";
  watched: CostPhase | null;
  idle: CostPhase | null;
  /** Feed room: the upstream socket was closed when the last subscriber left. */
  upstreamClosed?: boolean;
  note?: string;
};

export type CostRun = {
  runtime: RuntimeName;
  attempts: number;
  available: boolean;
  reason?: string;
  rooms: CostRoom[];
};

export type CostResult = {
  kind: "cost";
  name: "cost";
  title: string;
  feedRate: number;
  runs: CostRun[];
};

const COST_FEED_RATE = 50;

export async function runCost(ctx: Context): Promise<CostResult> {
  const runs = await onEachRuntime(ctx, "cost", (runtime) => roomCosts(ctx, runtime));
  return {
    kind: "cost",
    name: "cost",
    title: "Cost counters inside the rooms",
    feedRate: COST_FEED_RATE,
    runs,
  };
}

async function roomCosts(
  ctx: Context,
  runtime: Runtime,
): Promise<Pick<CostRun, "available" | "reason" | "rooms">> {
  const seconds = ctx.quick ? 3 : 20;
  const subscribers = 10;
  const sim = "AAPL";
  const fed = "BENCHC0-USD";
  const result: Pick<CostRun, "available" | "reason" | "rooms"> = {
    available: false,
    rooms: [
      { symbol: sim, source: "sim", watched: null, idle: null },
      { symbol: fed, source: "coinbase", watched: null, idle: null },
    ],
  };
  const symbols = [sim, fed];
  if (!(await roomStats(runtime.url, sim, ctx.token))) {
    result.reason = "the rooms do not answer GET ?stats with counters yet";
    ctx.log(`cost · ${runtime.name}: n/a (${result.reason})`);
    return result;
  }
  result.available = true;
  try {
    await ctx.feed.call("configure", { products: [fed], rate: COST_FEED_RATE });
    await ctx.feed.call("start", {});
    const urls = symbols.flatMap((s) =>
      Array.from({ length: subscribers }, () => runtime.wsUrl(s)),
    );
    await ctx.fleet.open(urls, OPEN_BATCH);
    await waitForSubscribers(ctx.feed, [fed], (n) => n >= 1, 20_000, "the feed room to subscribe");
    await delay(1000);
    const watched = await costWindow(runtime, symbols, seconds, ctx.token);
    await ctx.fleet.close();
    // The last subscriber leaving stores the room once and clears its alarm; then silence.
    await delay(2000);
    const subs = await ctx.feed.call("subscribers", { products: [fed] });
    const idle = await costWindow(runtime, symbols, seconds, ctx.token);
    for (const room of result.rooms) {
      room.watched = watched.get(room.symbol) ?? null;
      room.idle = idle.get(room.symbol) ?? null;
      if (!room.watched || !room.idle) room.note = "the room's counters could not be read";
    }
    const fedRoom = result.rooms[1] as CostRoom;
    fedRoom.upstreamClosed = (subs[fed] ?? 0) === 0;
  } finally {
    await ctx.feed.call("pause", {}).catch(() => undefined);
    await ctx.fleet.close().catch(() => undefined);
  }
  for (const room of result.rooms) {
    const w = room.watched;
    const i = room.idle;
    ctx.log(
      `cost · ${runtime.name} ${room.symbol}: watched ${w ? `${w.storageWritesPerMin.toFixed(1)} writes/min, ${w.alarmsPerMin.toFixed(1)} alarms/min` : "–"}; unwatched ${i ? `${i.storageWrites} writes, ${i.alarms} alarms in ${i.seconds.toFixed(0)} s` : "–"}${room.note ? ` (${room.note})` : ""}`,
    );
  }
  return result;
}

/** Counters are read this often, so that a span is covered even if an instance restarts. */
const COST_POLL_MS = 2000;

/**
 * Sums each room's counters over `seconds`, read every COST_POLL_MS. When an instance is
 * replaced between two readings (workerd evicts an idle one; the next request starts a new
 * one), the new instance's counters all belong to the span, since it started within it.
 */
async function costWindow(
  runtime: Runtime,
  symbols: string[],
  seconds: number,
  token: string,
): Promise<Map<string, CostPhase>> {
  type Sum = { last: RoomStats; writes: number; alarms: number; frames: number; ticks: number };
  const sums = new Map<string, Sum & { restarts: number }>();
  for (const s of symbols) {
    const stats = await roomStats(runtime.url, s, token);
    if (stats) sums.set(s, { last: stats, writes: 0, alarms: 0, frames: 0, ticks: 0, restarts: 0 });
  }
  const started = Date.now();
  const end = started + seconds * 1000;
  while (Date.now() < end) {
    await delay(Math.min(COST_POLL_MS, end - Date.now()));
    for (const [s, sum] of sums) {
      const now = await roomStats(runtime.url, s, token);
      if (!now) continue;
      const base: RoomStats =
        now.since === sum.last.since
          ? sum.last
          : { since: now.since, storageWrites: 0, alarms: 0, frames: 0, ticks: 0 };
      if (now.since !== sum.last.since) sum.restarts++;
      sum.writes += now.storageWrites - base.storageWrites;
      sum.alarms += now.alarms - base.alarms;
      sum.frames += (now.frames ?? 0) - (base.frames ?? 0);
      sum.ticks += (now.ticks ?? 0) - (base.ticks ?? 0);
      sum.last = now;
    }
  }
  const elapsed = (Date.now() - started) / 1000;
  const out = new Map<string, CostPhase>();
  for (const [s, sum] of sums) {
    out.set(s, {
      seconds: elapsed,
      storageWrites: sum.writes,
      alarms: sum.alarms,
      storageWritesPerMin: (sum.writes / elapsed) * 60,
      alarmsPerMin: (sum.alarms / elapsed) * 60,
      frames: sum.frames,
      ticks: sum.ticks,
      subscribers: typeof sum.last.subscribers === "number" ? sum.last.subscribers : null,
      restarts: sum.restarts,
    });
  }
  return out;
}
