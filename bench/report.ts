/**
 * What a run produced, three ways: a table on the terminal, bench-results/latest.json, and the
 * figures in docs/benchmarks.md, each target with the measured figure beside it.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { ROOT } from "./proc.ts";
import {
  type CostResult,
  type CostRoom,
  type CostRun,
  type PushResult,
  type SnapshotResult,
  type StreamResult,
  type StreamSide,
  type StreamStep,
  withinOneWritePerSecond,
} from "./scenarios.ts";
import { type RuntimeName, TARGET_LABELS, type TargetName } from "./targets.ts";

export type Machine = {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  date: string;
  loadAverage: number[];
};

export type RunResults = {
  version: 1;
  quick: boolean;
  scenarios: string[];
  machine: Machine;
  startedAt: string;
  seconds: number;
  /** The hard limit on open files, which every server and client process runs with. */
  fdLimit: number;
  clientProcesses: number;
  /** The runtimes measured, in the order they ran. */
  runtimes: RuntimeName[];
  /** How often each runner reloaded the rooms during the run because a file changed. */
  reloads: Partial<Record<RuntimeName, number>>;
  results: (StreamResult | PushResult | SnapshotResult | CostResult)[];
};

export type Verdict = {
  scenario: string;
  runtime: TargetName;
  target: string;
  measured: string;
  met: boolean | null;
};

export const RESULTS_DIR = join(ROOT, "bench-results");
export const DOCS_FILE = join(ROOT, "docs", "benchmarks.md");

export function machineInfo(): Machine {
  return {
    cpu: cpuModel(),
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    date: new Date().toISOString(),
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

function cpuModel(): string {
  return cpus()[0]?.model.trim() || "unknown";
}

// ---------------------------------------------------------------------------------------------
// Targets

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const ms = (x: number | null) => (x === null ? "–" : `${x} ms`);
const int = (x: number) => Math.round(x).toLocaleString("en");

/** The step a verdict is read from: the only one, or for the knee each in turn. */
function only(side: StreamSide | undefined): StreamStep | null {
  return side?.steps[0] ?? null;
}

function runtimeSides(r: StreamResult): StreamSide[] {
  return r.sides.filter((s) => s.target !== "peer");
}

function peerSide(r: StreamResult): StreamSide | undefined {
  return r.sides.find((s) => s.target === "peer");
}

export function verdicts(run: RunResults): Verdict[] {
  const out: Verdict[] = [];
  const scale = run.quick ? " (quick: scaled load)" : "";
  for (const r of run.results) {
    if (r.kind === "stream") {
      const scenario = r.title + scale;
      const q = only(peerSide(r));
      for (const side of runtimeSides(r)) {
        out.push(...streamVerdicts(r, scenario, side, q));
      }
    }
    if (r.kind === "cost") {
      for (const run of r.runs) out.push(...costVerdicts(r, run));
    }
  }
  return out;
}

function streamVerdicts(
  r: StreamResult,
  scenario: string,
  side: StreamSide,
  q: StreamStep | null,
): Verdict[] {
  const out: Verdict[] = [];
  const runtime = side.target;
  const p = only(side);
  const v = (target: string, measured: string, met: boolean | null) =>
    out.push({ scenario, runtime, target, measured, met });
  if (side.error) v("runs", side.error, false);
  if (r.name === "hot" && p) {
    out.push(shareVerdict(scenario, runtime, p), p99Verdict(scenario, runtime, p, 100));
    const ratio =
      p.cpuPerTickUs !== null && q?.cpuPerTickUs ? p.cpuPerTickUs / q.cpuPerTickUs : null;
    v(
      "server CPU per tick delivered ≤ 0.5× the peer's",
      ratio === null
        ? "–"
        : `${p.cpuPerTickUs?.toFixed(2)} µs vs ${q?.cpuPerTickUs?.toFixed(2)} µs (${ratio.toFixed(2)}×)`,
      ratio === null ? null : ratio <= 0.5,
    );
    v(
      `busy feed room (${r.rates[0]} trades/s): at most one storage write per second`,
      p.roomCost
        ? `${p.roomCost.storageWritesPerMin.toFixed(1)} writes/min per room (${p.roomCost.storageWrites.toFixed(1)} in ${p.roomCost.seconds.toFixed(1)} s)`
        : "n/a: no room counters",
      p.roomCost ? withinOneWritePerSecond(p.roomCost.storageWrites, p.roomCost.seconds) : null,
    );
  }
  if (r.name === "viewers" && p) {
    out.push(shareVerdict(scenario, runtime, p), p99Verdict(scenario, runtime, p, 100));
    v("p50 ≤ 30 ms", ms(p.p50), p.p50 !== null && p.p50 <= 30);
  }
  if (r.name === "knee") {
    const goal = 200_000 * (r.clients / 1000);
    const ok = side.steps.filter((s) => s.p99 !== null && s.p99 < 100);
    const best = ok.reduce<StreamStep | null>(
      (b, s) => (b === null || s.ticksPerSec > b.ticksPerSec ? s : b),
      null,
    );
    v(
      `≥ ${int(goal)} ticks/s from one room with p99 < 100 ms`,
      best
        ? `${int(best.ticksPerSec)} ticks/s at ${best.rate} trades/s (p99 ${best.p99} ms)`
        : "no rate with p99 < 100 ms",
      best !== null && best.ticksPerSec >= goal,
    );
  }
  if ((r.name === "sockets" || r.name === "relays") && p) {
    const held = side.open.opened === r.clients && p.clientsOpen === r.clients;
    const clean = p.errors === 0 && p.gaps + p.duplicates === 0;
    v(
      `${int(r.clients)} sockets held and streaming, no errors`,
      `${int(p.clientsOpen)}/${int(r.clients)} open, ${pct(p.share)} of ticks arrived, ${p.errors} errors`,
      held && clean && p.share >= 0.99,
    );
  }
  if (r.name === "relays" && p) {
    const spread = p.spread;
    v(
      "sockets beyond the room's 5,000 served by relay rooms",
      spread
        ? `room ${int(spread.direct)}, relays ${spread.relays.map((x) => `#${x.shard} ${int(x.sockets)}`).join(", ") || "none"}`
        : "n/a: no room counters",
      spread ? spread.direct <= 5000 + 200 && spread.relays.length > 0 : null,
    );
  }
  const broken = side.steps.filter((s) => s.gaps + s.duplicates > 0);
  if (side.steps.length > 0) {
    v(
      "no gap and no duplicate in any socket's seq",
      broken.length === 0
        ? "none"
        : broken
            .map((s) => `${s.gaps} gaps (${s.gapTicks} ticks), ${s.duplicates} duplicates`)
            .join("; "),
      broken.length === 0,
    );
  }
  return out;
}

function costVerdicts(r: CostResult, run: CostRun): Verdict[] {
  const runtime = run.runtime;
  if (!run.available) {
    return [
      {
        scenario: r.title,
        runtime,
        target: "no alarm and no storage write in a room without subscribers",
        measured: `n/a: ${run.reason}`,
        met: null,
      },
    ];
  }
  return run.rooms.flatMap((room): Verdict[] => {
    const label = `${room.symbol} (${room.source === "sim" ? "simulated" : `feed, ${r.feedRate} trades/s`})`;
    return [
      {
        scenario: r.title,
        runtime,
        target: `${label}: no alarm and no storage write without subscribers`,
        measured: room.idle
          ? `${room.idle.storageWrites} writes, ${room.idle.alarms} alarms in ${room.idle.seconds.toFixed(0)} s`
          : (room.note ?? "–"),
        met: room.idle ? room.idle.storageWrites === 0 && room.idle.alarms === 0 : null,
      },
      {
        scenario: r.title,
        runtime,
        target: `${label}: at most one storage write per second while watched`,
        measured: room.watched
          ? `${room.watched.storageWritesPerMin.toFixed(1)} writes/min (${room.watched.storageWrites} in ${room.watched.seconds.toFixed(1)} s)`
          : (room.note ?? "–"),
        met: room.watched
          ? withinOneWritePerSecond(room.watched.storageWrites, room.watched.seconds)
          : null,
      },
    ];
  });
}

function shareVerdict(scenario: string, runtime: TargetName, s: StreamStep): Verdict {
  return {
    scenario,
    runtime,
    target: "≥ 99% of ticks delivered",
    measured: pct(s.share),
    met: s.share >= 0.99,
  };
}

function p99Verdict(scenario: string, runtime: TargetName, s: StreamStep, limit: number): Verdict {
  return {
    scenario,
    runtime,
    target: `p99 ≤ ${limit} ms`,
    measured: ms(s.p99),
    met: s.p99 !== null && s.p99 <= limit,
  };
}

const mark = (met: boolean | null) => (met === null ? "n/a" : met ? "met" : "not met");

// ---------------------------------------------------------------------------------------------
// Tables, shared by the terminal and the document

const STREAM_HEAD = [
  "server",
  "rate/s",
  "ticks/s",
  "frames/s",
  "p50 ms",
  "p99 ms",
  "arrived",
  "CPU %",
  "µs/tick",
  "RSS MB",
  "KB/socket",
  "sockets",
  "gaps/dups",
  "errors",
  "clients %",
  "others %",
];

const fixed = (x: number | null, digits: number) => (x === null ? "–" : x.toFixed(digits));

/**
 * Memory per socket is growth over the whole process group, so garbage collected meanwhile can
 * make it small or negative where a scenario has few sockets: below 1 KB it says only that.
 */
const grown = (kb: number | null) => (kb === null || kb < 1 ? null : kb);
const kbCell = (kb: number | null) => (kb === null ? "–" : kb < 1 ? "< 1" : kb.toFixed(0));

function streamRow(name: string, s: StreamStep): string[] {
  return [
    name,
    String(s.rate),
    int(s.ticksPerSec),
    int(s.framesPerSec),
    s.p50 === null ? "–" : String(s.p50),
    s.p99 === null ? "–" : String(s.p99),
    pct(s.share),
    s.serverCpuPct.toFixed(0),
    fixed(s.cpuPerTickUs, 2),
    s.rssMb.toFixed(0),
    kbCell(s.kbPerSocket),
    int(s.serverSockets),
    `${s.gaps}/${s.duplicates}`,
    String(s.errors),
    s.clientCpuPct.map((c) => c.toFixed(0)).join("+"),
    s.othersPct.toFixed(0),
  ];
}

function ratio(a: number | null, b: number | null): string {
  return a === null || b === null || b === 0 ? "–" : `${(a / b).toFixed(2)}×`;
}

function ratioRow(name: string, p: StreamStep, q: StreamStep): string[] {
  return [
    `${name}/peer`,
    "",
    ratio(p.ticksPerSec, q.ticksPerSec),
    ratio(p.framesPerSec, q.framesPerSec),
    ratio(p.p50, q.p50),
    ratio(p.p99, q.p99),
    ratio(p.share, q.share),
    ratio(p.serverCpuPct, q.serverCpuPct),
    ratio(p.cpuPerTickUs, q.cpuPerTickUs),
    ratio(p.rssMb, q.rssMb),
    ratio(grown(p.kbPerSocket), grown(q.kbPerSocket)),
    ratio(p.serverSockets, q.serverSockets),
    "",
    "",
    "",
    "",
  ];
}

/** Each rate: every server's row, then each runtime beside the peer at that rate. */
function streamRows(r: StreamResult): string[][] {
  const rows: string[][] = [];
  const peer = peerSide(r);
  const n = Math.max(...r.sides.map((s) => s.steps.length));
  for (let i = 0; i < n; i++) {
    for (const side of r.sides) {
      const step = side.steps[i];
      if (step) rows.push(streamRow(side.target, step));
    }
    const q = peer?.steps[i];
    for (const side of runtimeSides(r)) {
      const p = side.steps[i];
      if (p && q && p.rate === q.rate) rows.push(ratioRow(side.target, p, q));
    }
  }
  return rows;
}

const GLANCE_HEAD = [
  "scenario",
  "server",
  "µs/tick",
  "KB/socket",
  "sockets accepted/s",
  "p50 ms",
  "p99 ms",
  "arrived",
];

/** The figures that compare the servers, one row per scenario and server (its first rate). */
function glanceRows(run: RunResults, keep: (t: TargetName) => boolean = () => true): string[][] {
  const rows: string[][] = [];
  for (const r of run.results) {
    if (r.kind !== "stream") continue;
    for (const side of r.sides.filter((s) => keep(s.target))) {
      const s = only(side);
      rows.push([
        `${r.title} (${int(r.clients)} sockets, ${r.rates[0]} trades/s)`,
        side.target,
        fixed(s?.cpuPerTickUs ?? null, 2),
        kbCell(s?.kbPerSocket ?? null),
        int(side.acceptedPerSec),
        s?.p50 === null || s === null ? "–" : String(s.p50),
        s?.p99 === null || s === null ? "–" : String(s.p99),
        s ? pct(s.share) : (side.error ?? "–"),
      ]);
    }
  }
  return rows;
}

function sideNotes(side: StreamSide): string[] {
  return [
    side.error ? `failed: ${side.error}` : "",
    side.open.failed > 0 ? `${side.open.failed} sockets did not open (${side.open.error})` : "",
    side.reloads > 0 ? `reloaded the rooms ${side.reloads}× (a file under party/ changed)` : "",
    (side.attempts ?? 1) > 1 ? `measured ${side.attempts}× (the rooms reloaded before)` : "",
    side.note ?? "",
    ...side.steps.map((s) =>
      Object.keys(s.closeCodes).length > 0 ? `close codes ${JSON.stringify(s.closeCodes)}` : "",
    ),
  ].filter(Boolean);
}

/** Each runtime's rooms' own counters during the scenario's first window. */
function roomCostLines(r: StreamResult): string[] {
  return runtimeSides(r).flatMap((side) => {
    const c = side.steps[0]?.roomCost;
    return c
      ? [
          `${side.target}: the rooms' own counters during the window: ${c.storageWritesPerMin.toFixed(1)} storage writes and ${c.alarmsPerMin.toFixed(1)} alarms per room per minute.`,
        ]
      : [];
  });
}

/** How each server answered the clients' close frames at the end of the scenario. */
function closeLine(r: StreamResult): string {
  const parts = r.sides.flatMap((side) =>
    side.close
      ? [
          `${side.target} answered ${int(side.close.clean)} of ${int(side.close.closed)} close frames within 0.5 s`,
        ]
      : [],
  );
  return `On closing: ${parts.join("; ")}.`;
}

function idleLine(r: StreamResult): string {
  const parts = r.sides.map((s) => `${s.target} ${s.idleRssMb.toFixed(0)} MB`);
  return `Memory before the clients connected: ${parts.join(", ")} (one server of each serves the whole run, so what earlier scenarios left behind is included).`;
}

const PUSH_HEAD = [
  "server",
  "ticks/request",
  "at once",
  "requests/s",
  "ticks/s",
  "p50 ms",
  "p99 ms",
  "CPU µs/request",
  "errors",
];

/** The push table's rows; the terminal names the first error, the document counts them. */
function pushRows(r: PushResult, firstError: boolean): string[][] {
  return r.runs.flatMap((run) =>
    run.cases.map((c) => [
      run.runtime,
      String(c.batch),
      String(c.concurrency),
      int(c.requestsPerSec),
      int(c.ticksPerSec),
      fixed(c.p50, 1),
      fixed(c.p99, 1),
      fixed(c.serverCpuPerRequestUs, 0),
      firstError && c.errors ? `${c.errors} (${c.firstError})` : String(c.errors),
    ]),
  );
}

const SNAPSHOT_HEAD = ["server", "room", "requests", "p50 ms", "p99 ms", "KiB"];

/** The snapshot table's rows, each runtime's cold room first, under the given labels. */
function snapshotRows(r: SnapshotResult, cold: string, warm: string): string[][] {
  return r.runs.flatMap((run) =>
    (
      [
        [cold, run.cold, 1],
        [warm, run.warm, 2],
      ] as const
    ).map(([label, t, digits]) => [
      run.runtime,
      label,
      String(t.samples),
      fixed(t.p50, digits),
      fixed(t.p99, digits),
      (t.bytes / 1024).toFixed(0),
    ]),
  );
}

const COST_HEAD = [
  "server",
  "room",
  "watched: writes/min",
  "alarms/min",
  "unwatched: writes",
  "alarms",
  "seconds",
  "instance restarts",
];

function costRows(r: CostResult): string[][] {
  return r.runs.flatMap((run) =>
    run.available
      ? run.rooms.map((room) => costRow(run.runtime, room))
      : [[run.runtime, `n/a: ${run.reason}`, "", "", "", "", "", ""]],
  );
}

function costRow(runtime: RuntimeName, room: CostRoom): string[] {
  return [
    runtime,
    `${room.symbol} (${room.source})`,
    fixed(room.watched?.storageWritesPerMin ?? null, 1),
    fixed(room.watched?.alarmsPerMin ?? null, 1),
    room.idle ? String(room.idle.storageWrites) : "–",
    room.idle ? String(room.idle.alarms) : "–",
    room.idle ? room.idle.seconds.toFixed(0) : "–",
    `${room.watched?.restarts ?? "–"} / ${room.idle?.restarts ?? "–"}`,
  ];
}

const VERDICT_HEAD = ["scenario", "server", "target", "measured", "verdict"];

function verdictRows(run: RunResults): string[][] {
  return verdicts(run).map((v) => [v.scenario, v.runtime, v.target, v.measured, mark(v.met)]);
}

// ---------------------------------------------------------------------------------------------
// Terminal

export function printResults(run: RunResults): void {
  for (const r of run.results) {
    console.log("");
    if (r.kind === "stream") printStream(r);
    if (r.kind === "push") {
      console.log(r.title);
      table(PUSH_HEAD, pushRows(r, true));
    }
    if (r.kind === "snapshot") {
      console.log(r.title);
      table(SNAPSHOT_HEAD, snapshotRows(r, "cold (first request)", "warm"), [0, 1]);
    }
    if (r.kind === "cost") {
      console.log(r.title);
      table(COST_HEAD, costRows(r), [0, 1]);
    }
  }
  console.log("\nAt a glance");
  table(GLANCE_HEAD, glanceRows(run), [0, 1]);
  console.log(`\nTargets${run.quick ? " (quick run: scaled load, figures are indicative)" : ""}`);
  table(VERDICT_HEAD, verdictRows(run), [0, 1, 2, 3, 4]);
}

function printStream(r: StreamResult): void {
  console.log(
    `${r.title}: ${int(r.clients)} clients on ${r.rooms} room(s), ${r.rates.join(", ")} trades/s per room`,
  );
  table(STREAM_HEAD, streamRows(r));
  console.log(`  ${closeLine(r)}`);
  for (const side of r.sides) {
    for (const note of sideNotes(side)) console.log(`  ${side.target}: ${note}`);
  }
  for (const line of roomCostLines(r)) console.log(`  ${line}`);
}

/** Columns of figures are right-aligned; `text` columns (by index) are left-aligned. */
function table(head: string[], rows: string[][], text: readonly number[] = [0]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (text.includes(i) ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  console.log(line(head));
  for (const row of rows) console.log(line(row));
}

// ---------------------------------------------------------------------------------------------
// Files

export async function writeJson(run: RunResults, name = "latest.json"): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, name);
  await writeFile(file, `${JSON.stringify(run, null, 2)}\n`);
  return file;
}

const SECTIONS = {
  server: ["<!-- bench:server:begin -->", "<!-- bench:server:end -->"],
  runners: ["<!-- bench:runners:begin -->", "<!-- bench:runners:end -->"],
  ui: ["<!-- bench:ui:begin -->", "<!-- bench:ui:end -->"],
  storm: ["<!-- bench:storm:begin -->", "<!-- bench:storm:end -->"],
} as const;

const DOC_HEAD = `# Benchmarks

Two commands measure Tickerroom on the machine they run on. \`npm run bench\` runs the rooms on
the Worker as \`npm start\` serves it and under \`partykit dev\`, and sets both against a minimal
Node fan-out server (the peer) on the same feed and the same clients; \`npm run bench:ui\`
measures the app in real Chromium. Each rewrites its own section below with the figures of its
last full run; the raw figures of the last run are in \`bench-results/\` (not committed).

`;

/** Replaces one generated section of docs/benchmarks.md, keeping the rest of the file. */
export async function replaceDocSection(
  section: keyof typeof SECTIONS,
  body: string,
): Promise<string> {
  const [begin, end] = SECTIONS[section];
  let doc: string;
  try {
    doc = await readFile(DOCS_FILE, "utf8");
  } catch {
    doc = `${DOC_HEAD}${Object.values(SECTIONS)
      .map((markers) => markers.join("\n"))
      .join("\n\n")}\n`;
  }
  const from = doc.indexOf(begin);
  const to = doc.indexOf(end);
  const block = `${begin}\n${body.trim()}\n${end}`;
  doc =
    from >= 0 && to > from
      ? doc.slice(0, from) + block + doc.slice(to + end.length)
      : `${doc.trimEnd()}\n\n${block}\n`;
  await writeFile(DOCS_FILE, doc);
  return DOCS_FILE;
}

export function machineLines(m: Machine): string {
  return [
    `- CPU: ${m.cpu}, ${m.cores} cores; memory ${m.memoryGiB} GiB`,
    `- Node ${m.node}; run ${m.date.slice(0, 16).replace("T", " ")} UTC; load average at the start ${m.loadAverage.join(", ")}`,
  ].join("\n");
}

function mdTable(head: string[], rows: string[][], text: readonly number[] = [0]): string {
  const esc = (c: string) => c.replaceAll("|", "\\|");
  return [
    `| ${head.map(esc).join(" | ")} |`,
    `|${head.map((_, i) => (text.includes(i) ? "---" : "--:")).join("|")}|`,
    ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`),
  ].join("\n");
}

function serverList(run: RunResults): string {
  return [...run.runtimes, "peer" as const]
    .map((t) => `- \`${t}\`: ${TARGET_LABELS[t]}`)
    .join("\n");
}

export async function writeDocs(run: RunResults): Promise<string> {
  const parts: string[] = [];
  parts.push(`## Server: \`npm run bench\`${run.quick ? " (quick run)" : ""}`);
  parts.push(machineLines(run.machine));
  parts.push(serverList(run));
  parts.push(
    `The machine is shared: the \`others %\` column is CPU that processes the benchmark did not start used during the window (other people's work), in % of one core. Even with it near zero, CPU figures move by 20–30% from run to run; latencies and delivery move less.`,
  );
  parts.push("### At a glance");
  parts.push(
    "Server CPU per tick delivered, memory per client socket, sockets accepted per second while the clients open them, and the tick-to-client delay, at each scenario's first rate.",
  );
  parts.push(mdTable(GLANCE_HEAD, glanceRows(run), [0, 1]));
  parts.push("### Targets");
  parts.push(mdTable(VERDICT_HEAD, verdictRows(run), [0, 1, 2, 3, 4]));
  for (const r of run.results) {
    if (r.kind === "stream") {
      parts.push(`### ${r.title}`);
      parts.push(
        `${int(r.clients)} clients (one socket each) spread over ${r.rooms} room(s), ${r.rates.join(", ")} trades/s per room; ${((r.sides[0]?.steps[0]?.windowMs ?? 0) / 1000).toFixed(1)} s window per rate.`,
      );
      parts.push(mdTable(STREAM_HEAD, streamRows(r)));
      parts.push(...roomCostLines(r));
      for (const side of r.sides) {
        for (const note of sideNotes(side)) parts.push(`${side.target}: ${note}.`);
      }
      parts.push(closeLine(r));
      parts.push(idleLine(r));
    }
    if (r.kind === "push") {
      parts.push(`### ${r.title}`);
      parts.push(mdTable(PUSH_HEAD, pushRows(r, false)));
    }
    if (r.kind === "snapshot") {
      parts.push(`### ${r.title}`);
      parts.push(
        mdTable(
          SNAPSHOT_HEAD,
          snapshotRows(
            r,
            "cold (first request for a simulated symbol)",
            "warm (the same symbol again)",
          ),
          [0, 1],
        ),
      );
    }
    if (r.kind === "cost") {
      parts.push(`### ${r.title}`);
      parts.push(mdTable(COST_HEAD, costRows(r), [0, 1]));
    }
  }
  parts.push(METHOD);
  return replaceDocSection("server", parts.join("\n\n"));
}

/**
 * The figures behind the choice of what serves `npm start`, from a run that measured
 * `wrangler dev` too. Ordinary runs leave this section alone.
 */
export async function writeRunnerDocs(run: RunResults): Promise<string> {
  const parts: string[] = [];
  const command = `npm run bench -- --runtimes ${run.runtimes.join(",")}${run.quick ? " --quick" : ""}`;
  parts.push(`### Figures from \`${command}\``);
  parts.push(machineLines(run.machine));
  parts.push(serverList(run));
  parts.push(mdTable(GLANCE_HEAD, glanceRows(run), [0, 1]));
  const against = (name: RuntimeName) => runnerRatios(run, name);
  const rows = run.runtimes.filter((r) => r !== "worker").flatMap(against);
  if (rows.length > 0) {
    parts.push("Each runner beside the Worker as `npm start` serves it (above 1: it needs more):");
    parts.push(
      mdTable(
        ["scenario", "runner", "CPU per tick", "memory per socket", "sockets accepted/s"],
        rows,
        [0, 1],
      ),
    );
  }
  const push = run.results.find((r): r is PushResult => r.kind === "push");
  if (push) {
    parts.push("Pushes (one tick per request, one pusher):");
    parts.push(
      mdTable(
        PUSH_HEAD,
        pushRows(push, false).filter((row) => row[1] === "1" && row[2] === "1"),
      ),
    );
  }
  return replaceDocSection("runners", parts.join("\n\n"));
}

function runnerRatios(run: RunResults, name: RuntimeName): string[][] {
  return run.results.flatMap((r) => {
    if (r.kind !== "stream") return [];
    const base = r.sides.find((s) => s.target === "worker");
    const other = r.sides.find((s) => s.target === name);
    const a = only(other);
    const b = only(base);
    if (!base || !other || !a || !b) return [];
    return [
      [
        r.title,
        name,
        ratio(a.cpuPerTickUs, b.cpuPerTickUs),
        ratio(grown(a.kbPerSocket), grown(b.kbPerSocket)),
        ratio(other.acceptedPerSec, base.acceptedPerSec),
      ],
    ];
  });
}

const METHOD = `### How each figure is measured

- **Setup.** One run starts each runtime on a free port with a fresh storage dir, \`FEEDS=*-USD=coinbase\` and \`COINBASE_WS_URL\` at the local feed, through the same helper the integration tests use (\`tests/helpers/server.ts\`): the Worker exactly as \`npm start\` serves it (\`scripts/start.ts --no-build\` after \`npm run build\`: Miniflare on the bundle) and \`partykit dev\` with the PartyKit shells; with \`--runtimes …,wrangler\` also \`wrangler dev\`, run as \`npm run dev\` runs it. Beside them run the peer (a Node \`ws\` server that turns each trade into one frame, serialised once, no storage) and a local feed: the tests' fake Coinbase Exchange (\`tests/fakes/fake-exchange.ts\`: \`subscribe\` → \`subscriptions\`, a \`heartbeat\` per product each second, one \`match\` per trade with string price and size and an ISO \`time\`). Rooms take the feed through their Coinbase adapter; the peer subscribes to the same feed with the same messages. Each streaming scenario runs every runtime in turn, then the peer, with the same clients and feed settings, never two at once. Before each window on a runtime the rooms' snapshots must say \`source: "coinbase"\` and hold a quote.
- **Feed.** Open loop: trade *i* of a room is due at *t0 + i/rate* and carries that due time as its \`time\`, sent whether or not anyone keeps up. Trades are held until every client is connected and every room has subscribed. Each room trades at its own offset within the period.
- **Clients.** Real WebSocket clients (\`ws\`, no compression) in separate processes, opened 200 at a time. Each one parses every frame, checks that \`seq\` runs on without gaps or repeats, and records for each tick due in the window its delay from due time to arrival (\`Date.now()\`, same clock as the feed) in a 1 ms histogram. Warm-up, then the window; a tick counts as delivered if it arrives within the grace period after the window (1 s; 0.5 s with \`--quick\`).
- **ticks/s** = ticks due in the window that were delivered, over all clients, per second of window. **frames/s** = frames that arrived during the window. **p50/p99** = tick-to-client delay. **arrived** = delivered ÷ (trades due in the window × sockets on that room).
- **CPU %** and **µs/tick** = utime + stime from \`/proc/<pid>/stat\` of every living process in the runtime's process group (node, every workerd it forked, and whatever else it runs: \`wrangler dev\` runs two workerd processes, a proxy and the Worker) or of the peer's one process, read at the start and the end of the window; % of one core, and CPU time per tick delivered. **RSS** = the sum of \`VmRSS\` from \`/proc/<pid>/status\` over the same processes at the end of the window; **KB/socket** = what that sum grew by since before the clients connected, per client socket open; **sockets** = socket file descriptors of those processes.
- **sockets accepted/s** = client sockets open ÷ the time from the first upgrade request to the last socket open, opened 200 at a time.
- **clients %** = each client process's CPU in % of one core (near 100 means the clients, not the server, set the pace; on two cores the server and the clients together cannot pass 200); **others %** = CPU used during the window by every process on the machine that the benchmark did not start (from \`/proc/*/stat\`): other people's work, the noise in the figures.
- **Rates.** In the knee a server that delivers under 90% of the ticks, or has a p99 over 1 s, at one rate has fallen behind for good in an open-loop run; its higher rates are not run. Between rates the clients wait until nothing more arrives.
- **Reloads.** \`partykit dev\` and \`wrangler dev\` restart the rooms when a file under \`party/\` changes; a measurement during which that happened is thrown away and taken again. The Worker as \`npm start\` serves it watches nothing. The benchmark writes its results only after every server has stopped, and outside anything a runner watches.
- **Push path.** POST \`/parties/ticker/:symbol\` with the ingest token over kept-alive connections, 1, 10 and 100 ticks per request, one pusher or four at once (each on its own room), timed to the end of the reply. **Snapshots:** GET of a symbol never requested before (the room is created and backfills a simulated day), then the same symbol again and again.
- **Cost counters** come from the rooms themselves (\`GET /parties/ticker/:symbol?stats\`, read every 2 s so that a replaced instance is noticed): a simulated room (AAPL) and a feed room at 50 trades/s with 10 subscribers each for 20 s, then with none for 20 s, scaled to a minute. "At most one write a second" allows one write more than whole seconds in the span, for a window that catches both edges. The busy-room figure of the hot tickers comes from the same counters over that scenario's window.
- \`--quick\` divides every socket count by 5, cuts windows to 1–2 s, runs the knee at 100 and 400 trades/s only and scales the knee target with the clients (1,000 → 200); its figures are indicative.`;
