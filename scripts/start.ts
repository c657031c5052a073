/**
 * `npm start`: builds the app, then serves app and rooms on one port with `partykit dev`.
 * `npm start -- --no-build` skips the build when `dist/` is current.
 */
import { spawn, spawnSync } from "node:child_process";
import { loadDotEnv, PARTYKIT_BIN, partykitArgs, portFromEnv, ROOT } from "./settings.ts";

loadDotEnv();
const port = portFromEnv();

if (!process.argv.includes("--no-build")) {
  const build = spawnSync(process.execPath, ["node_modules/vite/bin/vite.js", "build"], {
    cwd: ROOT,
    stdio: "inherit",
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const args = partykitArgs({ port, persist: process.env.PERSIST_DIR });
const server = spawn(PARTYKIT_BIN, args, { cwd: ROOT, stdio: "inherit" });
console.log(`Tickerroom on http://localhost:${port}  (simulated prices; Ctrl-C to stop)`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => server.kill(signal));
}
server.on("exit", (code) => process.exit(code ?? 0));
