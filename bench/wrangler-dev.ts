/**
 * `wrangler dev` on the Worker, run the way `npm run dev` runs it (scripts/dev.ts): every
 * listener and the inspector on 127.0.0.1, storage in its own dir, the room settings in an env
 * file only this user can read, no metrics. It is measured only to back the choice of what
 * serves `npm start`; it runs a proxy workerd in front of the Worker's workerd, so its cost is
 * the whole process group's.
 */
import { spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../scripts/processes.ts";
import { envFileText, ROOM_SETTINGS, ROOT, WRANGLER_BIN } from "../scripts/settings.ts";
import { stopGroup, trackGroup, waitFor } from "./proc.ts";

const OUTPUT_LIMIT = 64 * 1024;

export type WranglerDev = {
  port: number;
  url: string;
  pgid: number;
  /** How often wrangler rebuilt and reloaded the Worker because a source file changed. */
  reloads(): number;
  output(): string;
  stop(): Promise<void>;
};

/** Storage dirs still in use, with the env file in them: removed however the run ends. */
const dirs = new Set<string>();
process.once("exit", () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

export async function startWranglerDev(settings: Record<string, string>): Promise<WranglerDev> {
  const port = await freePort();
  const persist = await mkdtemp(join(tmpdir(), "tickerroom-bench-wrangler-"));
  dirs.add(persist);
  const envFile = join(persist, "vars.env");
  writeFileSync(envFile, envFileText(settings), { mode: 0o600 });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NO_COLOR: "1",
    FORCE_COLOR: "0",
    WRANGLER_SEND_METRICS: "false",
  };
  // Only the settings in the env file reach the rooms, whatever the shell exported.
  for (const name of ROOM_SETTINGS) delete env[name];
  const args = ["dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-ip", "127.0.0.1"];
  args.push("--persist-to", join(persist, "state"), "--env-file", envFile);
  args.push("--show-interactive-dev-session=false");
  const child = spawn(WRANGLER_BIN, args, {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env,
  });
  const pgid = trackGroup(child, "wrangler dev");
  let log = "";
  let reloads = 0;
  const output = (chunk: Buffer) => {
    const text = chunk.toString();
    reloads += text.match(/Reloading local server/g)?.length ?? 0;
    log = (log + text).slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on("data", output);
  child.stderr?.on("data", output);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopGroup(pgid);
    await rm(persist, { recursive: true, force: true });
    dirs.delete(persist);
  };
  try {
    await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode})`);
        return roomsAnswer(url);
      },
      60_000,
      "wrangler dev to answer",
      100,
    );
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${log}`);
  }
  return { port, url, pgid, reloads: () => reloads, output: () => log, stop };
}

/**
 * The Worker answers a party it does not know with a 404 JSON body once workerd serves the
 * rooms, on every runtime (the tests' server helper waits for the same answer).
 */
export async function roomsAnswer(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/parties/main/ready`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status === 404 && (res.headers.get("content-type") ?? "").includes("json");
  } catch {
    return false;
  }
}
