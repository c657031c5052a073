/** Command line of `npm run feed`: its options, their checks, and the usage text. */

import type { StockFeedName } from "../party/market/providers/types.ts";
import { canonicalSymbol } from "../party/protocol/index.ts";

export type CommonOptions = {
  /** `http://localhost:1999`, no trailing slash. */
  server: string;
  token: string;
  flushMs: number;
  batch: number;
  statusMs: number;
  drainMs: number;
};

export type BridgeOptions = CommonOptions & {
  mode: "bridge";
  provider: StockFeedName;
  symbols: string[];
  pingMs: number;
};

export type ReplayOptions = CommonOptions & {
  mode: "replay";
  file: string;
  /** How many times faster than the CSV's own pace; `max`: no pacing at all. */
  speed: number | "max";
  /** Shift the CSV's times so that its first trade is now. */
  now: boolean;
};

export type FeedCommand =
  | { ok: true; options: BridgeOptions | ReplayOptions }
  | { ok: true; help: true }
  | { ok: false; error: string };

export const USAGE = `Usage:
  npm run feed -- --provider finnhub|alpaca --symbols AAPL,MSFT,NVDA [options]
      Holds one connection to a stock feed and pushes its trades into the rooms.
  npm run feed -- --replay trades.csv [--speed 10|max] [--now] [options]
      Pushes a CSV of symbol,time,price,size (header optional; time in epoch ms or ISO 8601)
      into the rooms, paced by its times divided by --speed (default 1).
  npm run feed -- --help

Options:
  --server URL      the Tickerroom server (default http://localhost:$PORT, PORT defaulting to 1999)
  --flush-ms N      push each symbol's trades at least every N ms (default 250)
  --batch N         at most N ticks per push, 1 to 1000; a full batch leaves at once (default 1000)
  --status-ms N     a status line every N ms (default 5000; 0: none)
  --drain-ms N      on Ctrl-C, keep pushing what is queued for up to N ms (default 5000)
  --ping-ms N       bridge: ping the upstream every N ms, reconnect if it stops answering (default 15000)
  --now             replay: move the trades' times so that the first one is now

Environment (or .env):
  INGEST_TOKEN                        the rooms' push token (required)
  FINNHUB_TOKEN, FINNHUB_WS_URL       Finnhub key, and an endpoint override
  FINNHUB_REST_URL                    Finnhub's bars endpoint (default https://finnhub.io/api/v1)
  ALPACA_KEY_ID, ALPACA_SECRET_KEY    Alpaca keys
  ALPACA_WS_URL                       Alpaca endpoint (default the free IEX feed, .../v2/iex)
  ALPACA_REST_URL                     Alpaca's bars endpoint (default https://data.alpaca.markets)

On connecting, and again after a gap, the bridge backfills each room with the day's one-minute
bars it lacks, from the provider's bars endpoint, then streams trades.

Exit status: 0 done or stopped with Ctrl-C; 1 a feed, the server or the data failed;
2 a usage or configuration error.`;

const NUMBERS = {
  "--flush-ms": { key: "flushMs", min: 10 },
  "--batch": { key: "batch", min: 1, max: 1000 },
  "--status-ms": { key: "statusMs", min: 0 },
  "--drain-ms": { key: "drainMs", min: 0 },
  "--ping-ms": { key: "pingMs", min: 100 },
} as const;

/** Reads the arguments after `--`. Never throws. */
export function parseFeedArgs(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): FeedCommand {
  const values = new Map<string, string>();
  let now = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--help" || arg === "-h") return { ok: true, help: true };
    if (arg === "--now") {
      now = true;
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!isOption(name)) return { ok: false, error: `unknown option "${arg}"` };
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === "") return { ok: false, error: `${name} needs a value` };
    values.set(name, value);
  }

  const provider = values.get("--provider");
  const replay = values.get("--replay");
  if (provider !== undefined && replay !== undefined) {
    return { ok: false, error: "use either --provider or --replay, not both" };
  }
  if (provider === undefined && replay === undefined) {
    return {
      ok: false,
      error: "say what to run: --provider finnhub|alpaca --symbols …, or --replay FILE",
    };
  }

  const common = commonOptions(values, env);
  if (typeof common === "string") return { ok: false, error: common };
  const numbers = readNumbers(values);
  if (typeof numbers === "string") return { ok: false, error: numbers };
  Object.assign(common, numbers.common);

  if (replay !== undefined) {
    for (const name of ["--symbols", "--ping-ms"]) {
      if (values.has(name)) return { ok: false, error: `${name} is for the bridge, not --replay` };
    }
    const speed = readSpeed(values.get("--speed") ?? "1");
    if (speed === null) return { ok: false, error: `--speed must be a positive number or "max"` };
    return { ok: true, options: { ...common, mode: "replay", file: replay, speed, now } };
  }

  if (provider !== "finnhub" && provider !== "alpaca") {
    return { ok: false, error: `--provider must be finnhub or alpaca, not "${provider}"` };
  }
  if (values.has("--speed") || now)
    return { ok: false, error: "--speed and --now are for --replay" };
  const symbols = readSymbols(values.get("--symbols"));
  if (typeof symbols === "string") return { ok: false, error: symbols };
  return {
    ok: true,
    options: { ...common, mode: "bridge", provider, symbols, pingMs: numbers.pingMs ?? 15_000 },
  };
}

const OPTIONS = [
  "--provider",
  "--symbols",
  "--replay",
  "--speed",
  "--server",
  ...Object.keys(NUMBERS),
];

function isOption(name: string): boolean {
  return OPTIONS.includes(name);
}

function commonOptions(
  values: Map<string, string>,
  env: Record<string, string | undefined>,
): CommonOptions | string {
  const token = env.INGEST_TOKEN?.trim();
  if (!token) return "INGEST_TOKEN is not set: the rooms refuse pushes without it";
  const port = env.PORT?.trim() || "1999";
  const raw = values.get("--server") ?? `http://localhost:${port}`;
  let server: URL;
  try {
    server = new URL(raw);
  } catch {
    return `--server must be a URL such as http://localhost:1999, not "${raw}"`;
  }
  if (server.protocol !== "http:" && server.protocol !== "https:") {
    return `--server must be an http or https URL, not "${raw}"`;
  }
  return {
    server: server.toString().replace(/\/+$/, ""),
    token,
    flushMs: 250,
    batch: 1000,
    statusMs: 5000,
    drainMs: 5000,
  };
}

function readNumbers(
  values: Map<string, string>,
): { common: Partial<CommonOptions>; pingMs?: number } | string {
  const common: Partial<CommonOptions> = {};
  let pingMs: number | undefined;
  for (const [name, spec] of Object.entries(NUMBERS)) {
    const raw = values.get(name);
    if (raw === undefined) continue;
    const n = Number(raw);
    const max = "max" in spec ? spec.max : Number.MAX_SAFE_INTEGER;
    if (!Number.isInteger(n) || n < spec.min || n > max) {
      return `${name} must be a whole number from ${spec.min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : " up"}, not "${raw}"`;
    }
    if (spec.key === "pingMs") pingMs = n;
    else common[spec.key] = n;
  }
  return pingMs === undefined ? { common } : { common, pingMs };
}

function readSpeed(raw: string): number | "max" | null {
  if (raw === "max") return "max";
  const n = Number(raw);
  return Number.isFinite(n) && n > 0 ? n : null;
}

function readSymbols(raw: string | undefined): string[] | string {
  if (raw === undefined) return "--symbols is needed, e.g. --symbols AAPL,MSFT";
  const symbols: string[] = [];
  for (const part of raw.split(",")) {
    if (part.trim() === "") continue;
    const symbol = canonicalSymbol(part);
    if (symbol === null) return `"${part.trim()}" is not a symbol (e.g. AAPL, BRK.B)`;
    if (!symbols.includes(symbol)) symbols.push(symbol);
  }
  return symbols.length > 0 ? symbols : "--symbols is empty";
}
