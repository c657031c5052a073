/**
 * Runs `scripts/feed.ts` as a child process, the way `npm run feed` does, for the feed tests:
 * its output is captured, it can be signalled like a terminal's Ctrl-C, and every process
 * started here is killed by its pid when a test file ends (`stopAllFeeds`).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { ROOT } from "../../scripts/settings.ts";

export type FeedExit = { code: number | null; signal: NodeJS.Signals | null };

export interface FeedProcess {
  readonly pid: number;
  /** stdout and stderr as they arrived. */
  output(): string;
  stdout(): string;
  stderr(): string;
  /** Resolves once the output matches; rejects after `timeoutMs` with the output so far. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit; rejects after `timeoutMs` (the process is left running). */
  waitForExit(timeoutMs?: number): Promise<FeedExit>;
  signal(signal: NodeJS.Signals): void;
  /** SIGKILL by pid if still running, and waits for the exit. */
  kill(): Promise<void>;
}

/**
 * The bridge backfills from its provider's bars endpoint: a test that does not point it at a
 * fake gets a local port nothing listens on, so that no test reaches the internet.
 */
const NO_REST = { FINNHUB_REST_URL: "http://127.0.0.1:9", ALPACA_REST_URL: "http://127.0.0.1:9" };

const running = new Set<FeedProcess>();
process.once("exit", () => {
  for (const feed of running) {
    try {
      process.kill(feed.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
});

/**
 * @param args the arguments after `npm run feed --`
 * @param env the whole environment of the feed besides PATH and HOME (and bars endpoints that
 *   lead nowhere): the caller's own settings (a developer's INGEST_TOKEN, FINNHUB_TOKEN…) do not
 *   leak into a test.
 */
export function startFeed(args: string[], env: Record<string, string>): FeedProcess {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", "scripts/feed.ts", ...args],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        NO_COLOR: "1",
        ...NO_REST,
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not start scripts/feed.ts");
  let all = "";
  let out = "";
  let err = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    all += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    err += chunk.toString();
    all += chunk.toString();
  });
  let exit: FeedExit | null = null;
  const exited = new Promise<FeedExit>((resolve) => {
    child.once("exit", (code, signal) => {
      exit = { code, signal };
      running.delete(feed);
      resolve(exit);
    });
  });

  const feed: FeedProcess = {
    pid,
    output: () => all,
    stdout: () => out,
    stderr: () => err,
    async waitForOutput(pattern, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(all)) {
        if (exit)
          throw new Error(
            `feed exited (${exit.code ?? exit.signal}) before printing ${pattern}:\n${all}`,
          );
        if (Date.now() > deadline)
          throw new Error(`feed did not print ${pattern} within ${timeoutMs} ms:\n${all}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async waitForExit(timeoutMs = 15_000) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`feed did not exit within ${timeoutMs} ms:\n${all}`)),
          timeoutMs,
        );
      });
      try {
        return await Promise.race([exited, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    signal(signal) {
      if (!exit) process.kill(pid, signal);
    },
    async kill() {
      if (exit) return;
      process.kill(pid, "SIGKILL");
      await exited;
    },
  };
  running.add(feed);
  return feed;
}

/** Kills every feed process still running; for `afterEach`/`afterAll`. */
export async function stopAllFeeds(): Promise<void> {
  await Promise.all([...running].map((feed) => feed.kill()));
}
