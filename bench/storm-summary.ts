/**
 * What `npm run bench:storm` reports for one storm: how long clients took to have a snapshot
 * again after the server went down, how fast the server handed them out once it was back, and
 * what it cost; and the Markdown section of docs/benchmarks.md.
 */
import { percentileOf } from "./histogram.ts";
import type { StormCounts } from "./reconnect.ts";
import { type Machine, machineLines } from "./report.ts";

export type StormRun = {
  clients: number;
  /** `restart`: SIGTERM and start again; `kill9`: SIGKILL to every process, then start. */
  variant: "restart" | "kill9";
  /** Ms from the server going down until it answered again. */
  downMs: number;
  deadlineMs: number;
  counts: StormCounts;
  /** Server CPU seconds from its ready moment to the end of the storm, and that span in s. */
  serverCpu: number;
  spanS: number;
  /** The whole machine's busy share over the same span (1 = every core busy). */
  machineBusy: number;
  loadAverage: number[];
  /** The server's CPU share (1 = one core) while it only held the clients, before the storm. */
  holding?: number;
  /** Why the server did not come back, if it did not. */
  error?: string;
};

export type StormSummary = {
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
  /** Clients without a snapshot by the deadline. */
  missing: number;
  /** The most snapshots handed out in any one second, and the mean rate from the first to the last. */
  peakPerS: number;
  meanPerS: number | null;
};

/** From the server going down, or (`sinceUp`) from its answering again. */
export function summarise(
  run: Pick<StormRun, "clients" | "counts" | "downMs">,
  sinceUp = false,
): StormSummary {
  const shift = sinceUp ? run.downMs : 0;
  const times = run.counts.times.map((t) => Math.max(0, t - shift));
  const at = (p: number) => percentileOf(times, p);
  const perSecond = new Map<number, number>();
  for (const t of times)
    perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
  const first = times[0];
  const last = times[times.length - 1];
  const spread = first !== undefined && last !== undefined ? (last - first) / 1000 : 0;
  return {
    p50: at(50),
    p90: at(90),
    p99: at(99),
    max: last ?? null,
    missing: run.clients - times.length,
    peakPerS: Math.max(0, ...perSecond.values()),
    meanPerS: spread > 0 ? Math.round(times.length / spread) : null,
  };
}

const s = (ms: number | null) => (ms === null ? "–" : `${(ms / 1000).toFixed(1)} s`);
const list = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ×${n}`)
    .join(", ") || "none";

export function stormRows(runs: readonly StormRun[]): string[][] {
  return runs.map((run) => {
    const sum = summarise(run);
    const up = summarise(run, true);
    return [
      `${run.clients.toLocaleString("en")}, ${run.variant}`,
      run.error ?? s(run.downMs),
      `${s(sum.p50)} / ${s(up.p50)}`,
      `${s(sum.p90)} / ${s(up.p90)}`,
      `${s(sum.p99)} / ${s(up.p99)}`,
      `${s(sum.max)} / ${s(up.max)}`,
      `${sum.missing}`,
      `${sum.peakPerS}/s`,
      `${run.counts.attempts}`,
      list(run.counts.failures),
      list(run.counts.closeCodes),
      `${run.serverCpu.toFixed(1)} s (${Math.round((run.serverCpu / Math.max(run.spanS, 0.001)) * 100)}%)`,
      `${Math.round(run.machineBusy * 100)}%`,
      run.holding === undefined ? "–" : `${Math.round(run.holding * 100)}%`,
      run.loadAverage.map((l) => l.toFixed(1)).join(" "),
    ];
  });
}

export const STORM_HEAD = [
  "clients, how",
  "down",
  "p50",
  "p90",
  "p99",
  "max",
  `no snapshot`,
  "peak",
  "attempts",
  "failed attempts",
  "close codes",
  "server CPU",
  "machine busy",
  "holding",
  "load avg",
];

export function stormMarkdown(runs: readonly StormRun[], machine: Machine): string {
  const head = `| ${STORM_HEAD.join(" | ")} |\n|---|${STORM_HEAD.slice(1)
    .map(() => "--:")
    .join("|")}|`;
  const rows = stormRows(runs).map((r) => `| ${r.join(" | ")} |`);
  const deadline = runs[0] ? s(runs[0].deadlineMs) : "–";
  return [
    "## Reconnect storms: `npm run bench:storm`",
    "",
    "Every client holds a socket on one simulated symbol; the server then goes down (`restart`:",
    "SIGTERM and start again on the same port and storage; `kill9`: SIGKILL to every process, then",
    "start) and every client comes back as the app's partysocket does (a first wait of 1–3 s drawn",
    "per client, growing ×1.3 per failed attempt up to 15 s, 10 s connect timeout, and a plain GET",
    "after an attempt that never opened). Each time is from the moment the server went down to a",
    "client's first snapshot, then from the moment it answered again (down / up);",
    `"no snapshot" counts clients without one ${deadline} after it went down.`,
    '"down" is how long the server took to answer again, "peak" the most snapshots handed out in',
    "one second. Server CPU is every process of its group from its ready moment to the end of the",
    "storm (100% = one core); machine busy is all cores of the machine over the same span;",
    '"holding" is the server\'s CPU while it only held the clients and streamed ticks, before the',
    "storm. The load average is read as each storm begins, on a machine shared with other work.",
    "",
    machineLines(machine),
    "",
    head,
    ...rows,
    "",
    STORM_NOTES,
  ].join("\n");
}

/** Where the time goes, from profiling the storms (kept with the figures they explain). */
const STORM_NOTES = `### Where the time goes

Measured on this 2-core machine while it was shared (load average 5 to 14 during the runs; the
machine was 70–100% busy with other work before the storm added anything):

- **The server being down** is the first part of every figure: \`restart()\` waits for the
  Worker to exit and starts \`npm start\` again, 5–20 s here depending on the load, before a
  single client can get in. The clients' waits (1–3 s, ×1.3 per refused attempt) add up to a
  few seconds more on top, by design.
- **Holding the sockets costs more than taking them in.** On one hot simulated symbol every
  full-mode socket gets up to 20 tick frames a second (\`MAX_WINDOW_MS\` of 50 ms caps the
  frame window whatever the audience); under Miniflare each send crosses workerd's WebSocket
  pumps (the Durable Object, the Worker, Miniflare's entry), about 40 µs of CPU per send. With
  1,500 sockets held and no client connecting, the server used 59% of a core; 2,000 took 50–90%.
  workerd runs every room and the Worker on one thread, so 10,000 full-mode sockets on one
  symbol would need several cores of fan-out alone: the 10,000 size never gets all its clients
  in (2,500 to 3,500 after 90 s), and there is no storm to measure.
- **Each connect** costs the server 2.5–4 ms of CPU with a few hundred sockets open, rising with
  the sockets already there (the tick frames above), so the server hands out a few hundred
  snapshots a second at best. Per connect the room does no storage read (the room loads once per
  start, every upgrade waits on that one load) and serialises the snapshot once per tick and
  mode (\`fanout.ts\` reuses the text for every connect in between, 250 ms at most). It used to
  list every socket twice per connect to learn that the room is watched; it no longer does, which
  matters where listing is costly (the runtime builds the whole list), though it made no
  difference above the noise here.
- **Timeouts feed the storm.** An attempt that has not opened after 10 s is abandoned, the app
  asks the room over HTTP whether it was refused (a full snapshot answer), and tries again later,
  while the server still does the abandoned upgrade's work. Once the queue is longer than 10 s,
  a good share of the server's work is for clients that are already gone ("timed out" above).

10,000 clients under 10 s is therefore out of reach on this machine: the restart alone takes
5 s or more, and one workerd thread cannot hold 10,000 full-mode sockets on one hot symbol.
Fan-out relay rooms would split the audience over several Durable Objects, each sending to a
share of the sockets and each taking a share of the reconnects; on Cloudflare, where each object
has its own thread, that divides both the fan-out and the accept work by the number of relays.
Under Miniflare all objects share one workerd thread, so relays would change little here.`;
