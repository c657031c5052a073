/**
 * The cost model as Markdown: the scenarios' monthly figures in one table, then what each
 * scenario assumes, the per-room counts it started from (each marked measured or not), and the
 * prices with their sources.
 */
import type { RoomCounts } from "./counts.ts";
import { ROOM_KINDS } from "./counts.ts";
import {
  type Bill,
  bill,
  MONTH_DAYS,
  monthlyUsage,
  type Scenario,
  type Usage,
  WORKER_CPU_MS_PER_REQUEST,
} from "./model.ts";
import {
  GB_PER_AWAKE_OBJECT,
  PLAN,
  PRICES,
  type Price,
  type PriceName,
  WS_MESSAGES_PER_REQUEST,
} from "./prices.ts";

export type Priced = { scenario: Scenario; usage: Usage; bill: Bill };

export function priced(scenario: Scenario): Priced {
  const usage = monthlyUsage(scenario.groups);
  return { scenario, usage, bill: bill(usage) };
}

export type ReportInput = {
  scenarios: Priced[];
  rooms: RoomCounts[];
  /** Where the counts came from, as the first line says it. */
  source: string;
  /** Which room counts stand for which rooms in the scenarios. */
  notes?: string[];
};

export function renderReport({ scenarios, rooms, source, notes = [] }: ReportInput): string {
  const measured = rooms.filter((r) => r.measured).length;
  const status =
    measured === rooms.length
      ? `measured (${source})`
      : measured === 0
        ? "**placeholder estimates, not measured**"
        : `**partly measured** (${source}); the rooms marked "not measured" below are placeholder estimates`;
  return [
    "## What it costs",
    "",
    `Per-room counts: ${status}.`,
    "",
    scenarioTable(scenarios),
    "",
    `Account: what an account running only this pays, with the $${PLAN.dollarsPerMonth} plan and every included amount. ` +
      "Marginal: the same usage at unit prices with nothing included, what it adds to an account whose included amounts are spent.",
    "",
    "### Where the money goes (marginal $/month)",
    "",
    breakdownTable(scenarios),
    "",
    "### Assumptions",
    "",
    `- A month is ${MONTH_DAYS} days. An awake room is billed 128 MB, ${GB_PER_AWAKE_OBJECT} GB-s per second as Cloudflare's examples count it; ` +
      `${WS_MESSAGES_PER_REQUEST} incoming WebSocket messages bill as one request; each alarm set is a row written and each alarm run a request.`,
    "- Free: outgoing messages, protocol pings, hibernated idle sockets, static assets, bandwidth.",
    `- The Worker spends about ${WORKER_CPU_MS_PER_REQUEST} ms of CPU per request it routes (estimated, not measured).`,
    ...notes.map((n) => `- ${n}`),
    ...scenarios.flatMap(({ scenario }) => [
      `- ${scenario.name}:`,
      ...scenario.assumptions.map((a) => `  - ${a.name}: ${a.value}`),
    ]),
    "",
    "### Per-room counts, per minute",
    "",
    roomTable(rooms),
    "",
    "### Prices",
    "",
    priceTable(),
  ].join("\n");
}

function scenarioTable(rows: Priced[]): string {
  return table(
    [
      "Scenario",
      "Worker requests",
      "DO requests (billed)",
      "Rows written",
      "GB-s",
      "Stored GB",
      "$/month (account)",
      "$/month (marginal)",
    ],
    rows.map(({ scenario, bill: b }) => [
      scenario.name,
      big(b.billable.workerRequests),
      big(b.billable.objectRequests),
      big(b.billable.rowsWritten),
      big(b.billable.duration),
      small(b.billable.storage),
      usd(b.account),
      usd(b.marginal),
    ]),
  );
}

function breakdownTable(rows: Priced[]): string {
  const names = Object.keys(PRICES) as PriceName[];
  return table(
    ["Scenario", ...names.map((n) => PRICES[n].what)],
    rows.map(({ scenario, bill: b }) => [
      scenario.name,
      ...names.map((n) => usd(b.lines.find((l) => l.name === n)?.marginal ?? 0)),
    ]),
  );
}

function roomTable(rooms: RoomCounts[]): string {
  return table(
    [
      "Room",
      "Counts",
      "Sockets",
      "Requests",
      "WS in",
      "Alarms set / run",
      "Rows written / read",
      "Awake s",
      "Outbound s",
      "Stored bytes",
      "$/month alone (marginal)",
    ],
    rooms.map(({ kind, perMinute: m, sockets, measured }) => [
      ROOM_KINDS[kind],
      measured ? "measured" : "not measured",
      small(sockets),
      small(m.requests),
      small(m.wsMessagesIn),
      `${small(m.alarmsSet)} / ${small(m.alarmsRun)}`,
      `${small(m.rowsWritten)} / ${small(m.rowsRead)}`,
      small(m.awakeSeconds),
      small(m.outboundSocketSeconds),
      big(m.storedBytes),
      usd(bill(monthlyUsage([{ label: kind, rooms: 1, perMinute: m }])).marginal),
    ]),
  );
}

function priceTable(): string {
  const prices: Price[] = Object.values(PRICES);
  return table(
    ["Item", "Price", "Included per month", "Source, checked"],
    [
      [PLAN.what, `$${PLAN.dollarsPerMonth} a month`, "everything below", source(PLAN)],
      ...prices.map((p) => [
        p.what,
        `${usd(p.dollars)} per ${p.per === 1e6 ? "million " : p.per === 1 ? "" : `${words(p.per)} `}${p.unit}${p.roundsUp ? ", rounded up to a whole million" : ""}`,
        `${words(p.included)} ${p.unit}`,
        source(p),
      ]),
    ],
  );
}

function source(p: { source: string; checked: string }): string {
  return `${p.source}, ${p.checked}`;
}

function table(header: string[], rows: string[][]): string {
  const align = header.map((_, i) => (i === 0 ? "---" : "---:"));
  return [header, align, ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

/** Monthly totals: whole numbers up to a million, then M and B with three figures. */
export function big(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toPrecision(3)} B`;
  if (n >= 1e6) return `${(n / 1e6).toPrecision(3)} M`;
  return Math.round(n).toLocaleString("en-US");
}

/** Rates and small amounts: up to three significant figures. */
export function small(n: number): string {
  if (n === 0) return "0";
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString("en-US");
  return String(Number(n.toPrecision(3)));
}

/** Dollars to the cent, or to the tenth of a cent for a price below one. */
export function usd(n: number): string {
  const digits = n > 0 && n < 0.01 ? 3 : 2;
  return `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: digits })}`;
}

/** A round amount as it is read aloud: 10 million, 25 billion, 400,000. */
function words(n: number): string {
  if (n >= 1e9 && n % 1e9 === 0) return `${n / 1e9} billion`;
  if (n >= 1e6 && n % 1e6 === 0) return `${n / 1e6} million`;
  return n.toLocaleString("en-US");
}
