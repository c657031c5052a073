/**
 * `npm start`: builds the app and the Worker, then serves both on one port (scripts/serve.ts).
 * `npm start -- --no-build` skips the build when `dist/` and `build/` are current.
 */
import { spawnSync } from "node:child_process";
import { ROOT } from "./settings.ts";

if (!process.argv.includes("--no-build")) {
  const build = spawnSync("npm", ["run", "--silent", "build"], { cwd: ROOT, stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
await import("./serve.ts").then((serve) => serve.main());
