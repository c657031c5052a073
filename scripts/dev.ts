/**
 * `npm run dev`: Vite with hot reload on PORT (1999), proxying `/parties` (WebSockets too) to
 * `wrangler dev` on the next port up, which rebuilds and reloads the Worker when `party/`
 * changes. Everything listens on 127.0.0.1, the inspector included; the room settings reach
 * wrangler through an env file readable only by this user, removed on exit.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  envFileText,
  loadDotEnv,
  portFromEnv,
  ROOT,
  roomSettings,
  WRANGLER_BIN,
} from "./settings.ts";

loadDotEnv();
const port = portFromEnv();
const roomsPort = port + 1;

const secrets = mkdtempSync(join(tmpdir(), "tickerroom-dev-"));
const envFile = join(secrets, "vars.env");
// The app is served by Vite on its own port: its pages are an allowed origin of the rooms.
const own = [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
const settings = roomSettings();
settings.ALLOWED_ORIGINS = [...own, settings.ALLOWED_ORIGINS].filter(Boolean).join(",");
writeFileSync(envFile, envFileText(settings), { mode: 0o600 });
// wrangler wants the assets directory to exist; Vite serves the app itself in development.
mkdirSync(join(ROOT, "dist"), { recursive: true });

const rooms = spawn(
  WRANGLER_BIN,
  [
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(roomsPort),
    "--inspector-ip",
    "127.0.0.1",
    "--persist-to",
    process.env.PERSIST_DIR || ".wrangler/state",
    "--env-file",
    envFile,
    "--show-interactive-dev-session=false",
  ],
  { cwd: ROOT, stdio: "inherit", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
);
const vite = spawn(
  process.execPath,
  ["node_modules/vite/bin/vite.js", "--host", "127.0.0.1", "--port", String(port), "--strictPort"],
  { cwd: ROOT, stdio: "inherit", env: { ...process.env, ROOMS_PORT: String(roomsPort) } },
);
const children = [rooms, vite];
const cleanUp = () => rmSync(secrets, { recursive: true, force: true });
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal);
  });
}
for (const child of children)
  child.on("exit", (code) => {
    for (const other of children) other.kill("SIGTERM");
    cleanUp();
    process.exit(code ?? 0);
  });
