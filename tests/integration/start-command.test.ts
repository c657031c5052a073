/**
 * `npm start` as a newcomer runs it: the app and the rooms on one port, reachable from this
 * machine only, with no debugger anyone can attach to and no secret on any command line, and
 * nothing restarted when a file in the checkout changes.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, signalGroup } from "../../scripts/processes.ts";
import { ROOT } from "../../scripts/settings.ts";
import { WsClient } from "../helpers/ws-client.ts";

const TOKEN = "start-command-secret-7f3a";
const READY_MS = 30_000;

let child: ChildProcess;
let port: number;
let persist: string;
let output = "";

beforeAll(async () => {
  port = await freePort();
  persist = await mkdtemp(join(tmpdir(), "tickerroom-start-"));
  child = spawn("npm", ["start", "--", "--no-build"], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PORT: String(port), PERSIST_DIR: persist, INGEST_TOKEN: TOKEN },
  });
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const deadline = Date.now() + READY_MS;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline)
      throw new Error(`npm start did not serve within ${READY_MS} ms\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}, READY_MS + 10_000);

afterAll(async () => {
  if (child?.pid) signalGroup(child.pid, "SIGKILL");
  await rm(persist, { recursive: true, force: true });
});

describe("npm start", () => {
  it("serves the app and the rooms on one port", async () => {
    const page = await fetch(`http://127.0.0.1:${port}/s/AAPL`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const snapshot = await fetch(`http://127.0.0.1:${port}/parties/ticker/AAPL`);
    expect(snapshot.status).toBe(200);
    expect(await snapshot.json()).toMatchObject({
      type: "snapshot",
      symbol: "AAPL",
      source: "sim",
    });
  });

  it("listens on loopback only, and on nothing but what it needs", () => {
    const listeners = listeningSockets(groupPids(child.pid as number));
    expect(listeners.length).toBeGreaterThan(0);
    expect(listeners.some((l) => l.port === port)).toBe(true);
    for (const l of listeners) {
      expect(l.address, `port ${l.port} listens on ${l.address}`).toMatch(/^(127\.0\.0\.1|::1)$/);
    }
    // No DevTools inspector: 9229 is where one would listen by default.
    expect(listeners.some((l) => l.port === 9229)).toBe(false);
  });

  it("puts no setting on any process's command line", () => {
    const pids = groupPids(child.pid as number);
    expect(pids.length).toBeGreaterThan(1);
    for (const pid of pids) {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
      expect(cmdline).not.toContain(TOKEN);
    }
  });

  it("keeps its sockets when a file in the checkout changes", async () => {
    const client = await WsClient.connect(`ws://127.0.0.1:${port}/parties/ticker/ETH-USD`);
    try {
      await client.nextOf("snapshot", 10_000);
      // What the benchmark does when it writes its results.
      const marker = join(ROOT, "party", ".touch-test.tmp");
      writeFileSync(marker, String(Date.now()));
      try {
        const until = Date.now() + 2000;
        while (Date.now() < until) await client.nextOf("ticks", 3000);
      } finally {
        await rm(marker, { force: true });
      }
      expect(client.isOpen).toBe(true);
    } finally {
      await client.close();
    }
  });
});

/** The processes of a process group (Linux: read from /proc). */
function groupPids(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const pgrp = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2];
      if (Number(pgrp) === pgid) pids.push(Number(entry));
    } catch {
      // Gone while we looked.
    }
  }
  return pids;
}

type Listener = { address: string; port: number };

/** TCP sockets in LISTEN state owned by `pids`, from /proc/net/tcp{,6} and their fds. */
function listeningSockets(pids: number[]): Listener[] {
  const inodes = new Set<string>();
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
        const match = /^socket:\[(\d+)\]$/.exec(link);
        if (match?.[1]) inodes.add(match[1]);
      } catch {
        // Closed while we looked.
      }
    }
  }
  const out: Listener[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      const [local, state, inode] = [cols[1], cols[3], cols[9]];
      if (!local || state !== "0A" || !inode || !inodes.has(inode)) continue;
      const [hex = "", portHex = "0"] = local.split(":");
      out.push({ address: decodeAddress(hex), port: Number.parseInt(portHex, 16) });
    }
  }
  return out;
}

/** /proc/net addresses are little-endian hex words. */
function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) =>
    (w.match(/../g) ?? []).reverse().map((b) => Number.parseInt(b, 16)),
  );
  if (bytes.length === 4) return bytes.join(".");
  if (bytes.slice(0, 15).every((b) => b === 0) && bytes[15] === 1) return "::1";
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255) {
    return bytes.slice(12).join(".");
  }
  return bytes.every((b) => b === 0) ? "::" : bytes.map((b) => b.toString(16)).join(":");
}
