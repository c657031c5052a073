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
  type PushResult,
  type SnapshotResult,
  type StreamResult,
  type StreamSide,
  type StreamStep,
  withinOneWritePerSecond,
} from "./scenarios.ts";

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
  fdLimits: { soft: number; hard: number; servers: number };
  clientProcesses: number;
  partykitReloads?: number;
  results: (StreamResult | PushResult | SnapshotResult | CostResult)[];
};

export type Verdict = { scenario: string; target: string; measured: string; met: boolean | null };

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
function only(side: StreamSide): StreamStep | null {
  return side.steps[0] ?? null;
}

export function verdicts(run: RunResults): Verdict[] {
  const out: Verdict[] = [];
  const scale = run.quick ? " (quick: scaled load)" : "";
  for (const r of run.results) {
    if (r.kind === "stream") {
      const p = only(r.project);
      const q = only(r.peer);
      if (r.project.error) {
        out.push({ scenario: r.title, target: "runs", measured: r.project.error, met: false });
      }
      if (r.name === "hot" && p) {
        out.push(shareVerdict(r.title + scale, p));
        out.push(p99Verdict(r.title + scale, p, 100));
        const ratio =
          p.cpuPerTickUs !== null && q?.cpuPerTickUs ? p.cpuPerTickUs / q.cpuPerTickUs : null;
        out.push({
          scenario: r.title + scale,
          target: "server CPU per tick delivered ≤ 0.5× the peer's",
          measured:
            ratio === null
              ? "–"
              : `${p.cpuPerTickUs?.toFixed(2)} µs vs ${q?.cpuPerTickUs?.toFixed(2)} µs (${ratio.toFixed(2)}×)`,
          met: ratio === null ? null : ratio <= 0.5,
        });
        out.push({
          scenario: r.title + scale,
          target: `busy feed room (${r.rates[0]} trades/s): at most one storage write per second`,
          measured: p.roomCost
            ? `${p.roomCost.storageWritesPerMin.toFixed(1)} writes/min per room (${p.roomCost.storageWrites.toFixed(1)} in ${p.roomCost.seconds.toFixed(1)} s)`
            : "n/a: no room counters",
          met: p.roomCost
            ? withinOneWritePerSecond(p.roomCost.storageWrites, p.roomCost.seconds)
            : null,
        });
      }
      if (r.name === "viewers" && p) {
        out.push(shareVerdict(r.title + scale, p));
        out.push(p99Verdict(r.title + scale, p, 100));
        out.push({
          scenario: r.title + scale,
          target: "p50 ≤ 30 ms",
          measured: ms(p.p50),
          met: p.p50 !== null && p.p50 <= 30,
        });
      }
      if (r.name === "knee") {
        const goal = 200_000 * (r.clients / 1000);
        const ok = r.project.steps.filter((s) => s.p99 !== null && s.p99 < 100);
        const best = ok.reduce<StreamStep | null>(
          (b, s) => (b === null || s.ticksPerSec > b.ticksPerSec ? s : b),
          null,
        );
        out.push({
          scenario: r.title + scale,
          target: `≥ ${int(goal)} ticks/s from one room with p99 < 100 ms`,
          measured: best
            ? `${int(best.ticksPerSec)} ticks/s at ${best.rate} trades/s (p99 ${best.p99} ms)`
            : "no rate with p99 < 100 ms",
          met: best !== null && best.ticksPerSec >= goal,
        });
      }
      if (r.name === "sockets" && p) {
        const held = r.project.open.opened === r.clients && p.clientsOpen === r.clients;
        const clean = p.errors === 0 && p.gaps + p.duplicates === 0;
        out.push({
          scenario: r.title + scale,
          target: `${int(r.clients)} sockets held and streaming, no errors`,
          measured: `${int(p.clientsOpen)}/${int(r.clients)} open, ${pct(p.share)} of ticks arrived, ${p.errors} errors`,
          met: held && clean && p.share >= 0.99,
        });
      }
      const broken = r.project.steps.filter((s) => s.gaps + s.duplicates > 0);
      if (r.project.steps.length > 0) {
        out.push({
          scenario: r.title + scale,
          target: "no gap and no duplicate in any socket's seq",
          measured:
            broken.length === 0
              ? "none"
              : broken
                  .map((s) => `${s.gaps} gaps (${s.gapTicks} ticks), ${s.duplicates} duplicates`)
                  .join("; "),
          met: broken.length === 0,
        });
      }
    }
    if (r.kind === "cost") {
      if (!r.available) {
        out.push({
          scenario: r.title,
          target: "no alarm and no storage write in a room without subscribers",
          measured: `n/a: ${r.reason}`,
          met: null,
        });
        continue;
      }
      for (const room of r.rooms) {
        const label = `${room.symbol} (${room.source === "sim" ? "simulated" : `feed, ${r.feedRate} trades/s`})`;
        out.push({
          scenario: r.title,
          target: `${label}: no alarm and no storage write without subscribers`,
          measured: room.idle
            ? `${room.idle.storageWrites} writes, ${room.idle.alarms} alarms in ${room.idle.seconds.toFixed(0)} s`
            : (room.note ?? "–"),
          met: room.idle ? room.idle.storageWrites === 0 && room.idle.alarms === 0 : null,
        });
        out.push({
          scenario: r.title,
          target: `${label}: at most one storage write per second while watched`,
          measured: room.watched
            ? `${room.watched.storageWritesPerMin.toFixed(1)} writes/min (${room.watched.storageWrites} in ${room.watched.seconds.toFixed(1)} s)`
            : (room.note ?? "–"),
          met: room.watched
            ? withinOneWritePerSecond(room.watched.storageWrites, room.watched.seconds)
            : null,
        });
      }
    }
  }
  return out;
}

function shareVerdict(scenario: string, s: StreamStep): Verdict {
  return {
    scenario,
    target: "≥ 99% of ticks delivered",
    measured: pct(s.share),
    met: s.share >= 0.99,
  };
}

function p99Verdict(scenario: string, s: StreamStep, limit: number): Verdict {
  return {
    scenario,
    target: `p99 ≤ ${limit} ms`,
    measured: ms(s.p99),
    met: s.p99 !== null && s.p99 <= limit,
  };
}

const mark = (met: boolean | null) => (met === null ? "n/a" : met ? "met" : "not met");

// ---------------------------------------------------------------------------------------------
// Terminal

export function printResults(run: RunResults): void {
  for (const r of run.results) {
    console.log("");
    if (r.kind === "stream") printStream(r);
    if (r.kind === "push") printPush(r);
    if (r.kind === "snapshot") printSnapshot(r);
    if (r.kind === "cost") printCost(r);
  }
  console.log(`\nTargets${run.quick ? " (quick run: scaled load, figures are indicative)" : ""}`);
  table(
    ["scenario", "target", "measured", ""],
    verdicts(run).map((v) => [v.scenario, v.target, v.measured, mark(v.met)]),
    [0, 1, 2, 3],
  );
}

const STREAM_HEAD = [
  "",
  "rate/s",
  "ticks/s",
  "frames/s",
  "p50 ms",
  "p99 ms",
  "arrived",
  "CPU %",
  "µs/tick",
  "RSS MB",
  "sockets",
  "gaps/dups",
  "errors",
  "clients %",
  "others %",
];

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
    s.cpuPerTickUs === null ? "–" : s.cpuPerTickUs.toFixed(2),
    s.rssMb.toFixed(0),
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

function ratioRow(p: StreamStep, q: StreamStep): string[] {
  return [
    "project/peer",
    "",
    ratio(p.ticksPerSec, q.ticksPerSec),
    ratio(p.framesPerSec, q.framesPerSec),
    ratio(p.p50, q.p50),
    ratio(p.p99, q.p99),
    ratio(p.share, q.share),
    ratio(p.serverCpuPct, q.serverCpuPct),
    ratio(p.cpuPerTickUs, q.cpuPerTickUs),
    ratio(p.rssMb, q.rssMb),
    ratio(p.serverSockets, q.serverSockets),
    "",
    "",
    "",
    "",
  ];
}

function streamRows(r: StreamResult): string[][] {
  const rows: string[][] = [];
  const n = Math.max(r.project.steps.length, r.peer.steps.length);
  for (let i = 0; i < n; i++) {
    const p = r.project.steps[i];
    const q = r.peer.steps[i];
    if (p) rows.push(streamRow("project", p));
    if (q) rows.push(streamRow("peer", q));
    if (p && q) rows.push(ratioRow(p, q));
  }
  return rows;
}

function printStream(r: StreamResult): void {
  console.log(
    `${r.title}: ${int(r.clients)} clients on ${r.rooms} room(s), ${r.rates.join(", ")} trades/s per room`,
  );
  table(STREAM_HEAD, streamRows(r));
  console.log(`  ${closeLine(r)}`);
  for (const side of [r.project, r.peer]) {
    const notes = [
      side.error ? `failed: ${side.error}` : "",
      side.open.failed > 0 ? `${side.open.failed} sockets did not open (${side.open.error})` : "",
      side.reloads > 0 ? `partykit reloaded ${side.reloads}× (a file under party/ changed)` : "",
      (side.attempts ?? 1) > 1 ? `measured ${side.attempts}× (partykit reloaded before)` : "",
      side.note ?? "",
      ...side.steps.map((s) =>
        Object.keys(s.closeCodes).length > 0 ? `close codes ${JSON.stringify(s.closeCodes)}` : "",
      ),
    ].filter(Boolean);
    for (const note of notes) console.log(`  ${side.target}: ${note}`);
    if (side.steps[0]?.roomCost) {
      const c = side.steps[0].roomCost;
      console.log(
        `  rooms' own counters: ${c.storageWritesPerMin.toFixed(1)} storage writes and ${c.alarmsPerMin.toFixed(1)} alarms per room per minute`,
      );
    }
  }
}

/** How each server answered the clients' close frames at the end of the scenario. */
function closeLine(r: StreamResult): string {
  const part = (side: StreamSide) =>
    side.close
      ? `the ${side.target} answered ${int(side.close.clean)} of ${int(side.close.closed)} close frames within 0.5 s`
      : "";
  return `On closing: ${[part(r.project), part(r.peer)].filter(Boolean).join("; ")}.`;
}

const PUSH_HEAD = [
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
  return r.cases.map((c) => [
    String(c.batch),
    String(c.concurrency),
    int(c.requestsPerSec),
    int(c.ticksPerSec),
    c.p50?.toFixed(1) ?? "–",
    c.p99?.toFixed(1) ?? "–",
    c.serverCpuPerRequestUs?.toFixed(0) ?? "–",
    firstError && c.errors ? `${c.errors} (${c.firstError})` : String(c.errors),
  ]);
}

function printPush(r: PushResult): void {
  console.log(r.title);
  table(PUSH_HEAD, pushRows(r, true));
}

const SNAPSHOT_HEAD = ["room", "requests", "p50 ms", "p99 ms", "KiB"];

/** The snapshot table's rows, the cold room first, under the given labels. */
function snapshotRows(r: SnapshotResult, cold: string, warm: string): string[][] {
  return [
    [
      cold,
      String(r.cold.samples),
      r.cold.p50?.toFixed(1) ?? "–",
      r.cold.p99?.toFixed(1) ?? "–",
      (r.cold.bytes / 1024).toFixed(0),
    ],
    [
      warm,
      String(r.warm.samples),
      r.warm.p50?.toFixed(2) ?? "–",
      r.warm.p99?.toFixed(2) ?? "–",
      (r.warm.bytes / 1024).toFixed(0),
    ],
  ];
}

function printSnapshot(r: SnapshotResult): void {
  console.log(r.title);
  table(SNAPSHOT_HEAD, snapshotRows(r, "cold (first request)", "warm"));
}

function printCost(r: CostResult): void {
  console.log(r.title);
  if (!r.available) {
    console.log(`  n/a: ${r.reason}`);
    return;
  }
  table(COST_HEAD, r.rooms.map(costRow));
}

const COST_HEAD = [
  "room",
  "watched: writes/min",
  "alarms/min",
  "unwatched: writes",
  "alarms",
  "seconds",
  "instance restarts",
];

function costRow(room: CostRoom): string[] {
  return [
    `${room.symbol} (${room.source})`,
    room.watched?.storageWritesPerMin.toFixed(1) ?? "–",
    room.watched?.alarmsPerMin.toFixed(1) ?? "–",
    room.idle ? String(room.idle.storageWrites) : "–",
    room.idle ? String(room.idle.alarms) : "–",
    room.idle ? room.idle.seconds.toFixed(0) : "–",
    `${room.watched?.restarts ?? "–"} / ${room.idle?.restarts ?? "–"}`,
  ];
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
  ui: ["<!-- bench:ui:begin -->", "<!-- bench:ui:end -->"],
} as const;

const DOC_HEAD = `# Benchmarks

Two commands measure Tickerroom on the machine they run on. \`npm run bench\` runs the server
as \`npm start\` does and sets it against a minimal Node fan-out server (the peer) on the same
feed and the same clients; \`npm run bench:ui\` measures the app in real Chromium. Each rewrites
its own section below with the figures of its last full run; the raw figures of the last run
are in \`bench-results/\` (not committed).

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
    doc = `${DOC_HEAD}${SECTIONS.server.join("\n")}\n\n${SECTIONS.ui.join("\n")}\n`;
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

export async function writeDocs(run: RunResults): Promise<string> {
  const parts: string[] = [];
  parts.push(`## Server: \`npm run bench\`${run.quick ? " (quick run)" : ""}`);
  parts.push(machineLines(run.machine));
  parts.push(
    `The machine is shared: the \`others %\` column is CPU that processes the benchmark did not start used during the window (other people's work), in % of one core. Even with it near zero, CPU figures move by 20–30% from run to run; latencies and delivery move less.`,
  );
  parts.push("### Targets");
  parts.push(
    mdTable(
      ["scenario", "target", "measured", "verdict"],
      verdicts(run).map((v) => [v.scenario, v.target, v.measured, mark(v.met)]),
      [0, 1, 2, 3],
    ),
  );
  for (const r of run.results) {
    if (r.kind === "stream") {
      parts.push(`### ${r.title}`);
      parts.push(
        `${int(r.clients)} clients (one socket each) spread over ${r.rooms} room(s), ${r.rates.join(", ")} trades/s per room; ${((r.project.steps[0]?.windowMs ?? 0) / 1000).toFixed(1)} s window per rate.`,
      );
      parts.push(
        mdTable(
          STREAM_HEAD.map((h) => h || "server"),
          streamRows(r),
        ),
      );
      const cost = r.project.steps[0]?.roomCost;
      if (cost) {
        parts.push(
          `The rooms' own counters during the window: ${cost.storageWritesPerMin.toFixed(1)} storage writes and ${cost.alarmsPerMin.toFixed(1)} alarms per room per minute.`,
        );
      }
      for (const side of [r.project, r.peer]) {
        if (side.error) parts.push(`${side.target} failed: ${side.error}`);
        if (side.note) parts.push(`${side.target}: ${side.note}.`);
      }
      parts.push(closeLine(r));
      parts.push(
        `Memory before the clients connected: project ${r.project.idleRssMb.toFixed(0)} MB, peer ${r.peer.idleRssMb.toFixed(0)} MB (one server of each serves the whole run, so what earlier scenarios left behind is included).`,
      );
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
        ),
      );
    }
    if (r.kind === "cost") {
      parts.push(`### ${r.title}`);
      if (!r.available) parts.push(`n/a: ${r.reason}.`);
      else parts.push(mdTable(COST_HEAD, r.rooms.map(costRow)));
    }
  }
  parts.push(METHOD);
  return replaceDocSection("server", parts.join("\n\n"));
}

const METHOD = `### How each figure is measured

- **Setup.** One run starts the project exactly as \`npm start\` does (the built app and \`partykit dev\` with \`partykitArgs\`, a free port, a fresh storage dir, \`FEEDS=*-USD=coinbase\`, \`COINBASE_WS_URL\` at the local feed), the peer (a Node \`ws\` server that turns each trade into one frame, serialised once, no storage), and a local feed speaking Coinbase Exchange's messages (\`subscribe\` → \`subscriptions\`, a \`heartbeat\` per product each second, one \`match\` per trade with string price and size and an ISO \`time\`). Project rooms take the feed through their Coinbase adapter; the peer subscribes to the same feed with the same messages. Each streaming scenario runs the project, then the peer, with the same clients and feed settings, never both at once. Before each project window the rooms' snapshots must say \`source: "coinbase"\` and hold a quote.
- **Feed.** Open loop: trade *i* of a room is due at *t0 + i/rate* and carries that due time as its \`time\`, sent whether or not anyone keeps up. Trades are held until every client is connected and every room has subscribed. Each room trades at its own offset within the period.
- **Clients.** Real WebSocket clients (\`ws\`, no compression) in separate processes, opened 200 at a time. Each one parses every frame, checks that \`seq\` runs on without gaps or repeats, and records for each tick due in the window its delay from due time to arrival (\`Date.now()\`, same clock as the feed) in a 1 ms histogram. Warm-up, then the window; a tick counts as delivered if it arrives within the grace period after the window (1 s; 0.5 s with \`--quick\`).
- **ticks/s** = ticks due in the window that were delivered, over all clients, per second of window. **frames/s** = frames that arrived during the window. **p50/p99** = tick-to-client delay. **arrived** = delivered ÷ (trades due in the window × sockets on that room).
- **CPU %** and **µs/tick** = utime + stime from \`/proc/<pid>/stat\` of workerd and its parent node process (project) or of the peer's process, read at the start and the end of the window; % of one core, and CPU time per tick delivered. **RSS** from \`/proc/<pid>/status\` at the end of the window; **sockets** = socket file descriptors of those processes.
- **clients %** = each client process's CPU in % of one core (near 100 means the clients, not the server, set the pace; on two cores the server and the clients together cannot pass 200); **others %** = CPU used during the window by every process on the machine that the benchmark did not start (from \`/proc/*/stat\`): other people's work, the noise in the figures.
- **Rates.** In the knee a server that delivers under 90% of the ticks, or has a p99 over 1 s, at one rate has fallen behind for good in an open-loop run; its higher rates are not run. Between rates the clients wait until nothing more arrives.
- **Reloads.** \`partykit dev\` restarts the rooms when a file under \`party/\` changes; a measurement of the project during which that happened is thrown away and taken again.
- **Push path.** POST \`/parties/ticker/:symbol\` with the ingest token over kept-alive connections, 1, 10 and 100 ticks per request, one pusher or four at once (each on its own room), timed to the end of the reply. **Snapshots:** GET of a symbol never requested before (the room is created and backfills a simulated day), then the same symbol again and again.
- **Cost counters** come from the rooms themselves (\`GET /parties/ticker/:symbol?stats\`, read every 2 s so that a replaced instance is noticed): a simulated room (AAPL) and a feed room at 50 trades/s with 10 subscribers each for 20 s, then with none for 20 s, scaled to a minute. "At most one write a second" allows one write more than whole seconds in the span, for a window that catches both edges. The busy-room figure of the hot tickers comes from the same counters over that scenario's window.
- \`--quick\` divides every socket count by 5, cuts windows to 1–2 s, runs the knee at 100 and 400 trades/s only and scales the knee target with the clients (1,000 → 200); its figures are indicative.`;
