/**
 * `npm run dev`: Vite with hot reload on PORT (1999), proxying `/parties` (WebSockets too) to
 * `partykit dev` on the next port up.
 */
import { spawn } from "node:child_process";
import { loadDotEnv, PARTYKIT_BIN, partykitArgs, portFromEnv, ROOT } from "./settings.ts";

loadDotEnv();
const port = portFromEnv();
const roomsPort = port + 1;

const rooms = spawn(PARTYKIT_BIN, partykitArgs({ port: roomsPort }), {
  cwd: ROOT,
  stdio: "inherit",
});
const vite = spawn(
  process.execPath,
  ["node_modules/vite/bin/vite.js", "--port", String(port), "--strictPort"],
  {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, PARTYKIT_PORT: String(roomsPort) },
  },
);
const children = [rooms, vite];
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal);
  });
}
for (const child of children)
  child.on("exit", (code) => {
    for (const other of children) other.kill("SIGTERM");
    process.exit(code ?? 0);
  });
