/**
 * Settings come from the environment (or `.env`) and reach the rooms as Worker bindings. One
 * list serves `npm start`, `npm run dev`, the tests and the benchmark, so that they run the
 * server the same way.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";

/** Settings passed to the rooms when set. */
export const ROOM_SETTINGS = [
  "INGEST_TOKEN",
  "FEEDS",
  "COINBASE_WS_URL",
  "KRAKEN_WS_URL",
  "BINANCE_WS_URL",
  "COINBASE_REST_URL",
  "KRAKEN_REST_URL",
  "BINANCE_REST_URL",
  "ALLOWED_ORIGINS",
  "BUDGETS",
  "SIM_SESSIONS",
  "RELAY_AFTER",
  "RELAY_SIZE",
] as const;

export const ROOT = resolve(import.meta.dirname, "..");
export const PARTYKIT_BIN = resolve(ROOT, "node_modules/.bin/partykit");
export const WRANGLER_BIN = resolve(ROOT, "node_modules/.bin/wrangler");
/** Where `npm run build` puts the Worker's bundle (`wrangler deploy --dry-run --outdir`). */
export const WORKER_BUNDLE = resolve(ROOT, "build/worker/worker.js");

/** Reads `.env` into `process.env` without overriding what the environment already says. */
export function loadDotEnv(file = resolve(ROOT, ".env")): void {
  if (existsSync(file)) process.loadEnvFile(file);
}

/** The room settings that are set in `env`, as bindings for the Worker. */
export function roomSettings(env: Record<string, string | undefined> = process.env) {
  const out: Record<string, string> = {};
  for (const name of ROOM_SETTINGS) {
    const value = env[name];
    if (value) out[name] = value;
  }
  return out;
}

/** Settings as the lines of a `.env` file, for runners that read them from a file. */
export function envFileText(settings: Record<string, string>): string {
  return Object.entries(settings)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}\n`)
    .join("");
}

export type ServerOptions = {
  port: number;
  /** Where room storage lives; kept across restarts. */
  persist?: string;
  env?: Record<string, string | undefined>;
};

/**
 * Arguments for `partykit dev`: offline, no terminal UI, vars from the environment. It takes
 * its vars on the command line only, which is one reason `npm start` does not run it.
 */
export function partykitArgs({ port, persist, env = process.env }: ServerOptions): string[] {
  const args = ["dev", "--port", String(port), "--disable-request-cf-fetch", "--no-hotkeys"];
  if (persist) args.push("--persist", persist);
  for (const [name, value] of Object.entries(roomSettings(env))) {
    args.push("--var", `${name}=${value}`);
  }
  return args;
}

export function portFromEnv(fallback = 1999): number {
  const port = Number(process.env.PORT ?? fallback);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`PORT must be a port number, not "${process.env.PORT}"`);
  }
  return port;
}
