/**
 * The client side of a run: a few client processes (`clients.ts`) that together hold every
 * socket. Sockets are opened a batch at a time across all of them, so that no server is
 * hit by thousands of upgrades at once, and the processes' counts are added up at the end.
 */
import type { ClientCommands, ClientCounts } from "./clients.ts";
import { HEALTH_COUNTERS, WINDOW_COUNTERS, zeroed } from "./counts.ts";
import { Histogram } from "./histogram.ts";
import { Rpc } from "./ipc.ts";
import { forkModule } from "./proc.ts";
import { mergeStorm, type StormCounts } from "./reconnect.ts";

export type FleetTotals = Omit<ClientCounts, "delays" | "cpu"> & {
  delays: Histogram;
  /** CPU seconds of each client process during the window. */
  cpu: number[];
};

export type OpenResult = { requested: number; opened: number; failed: number; error?: string };

export class Fleet {
  private constructor(private readonly procs: Rpc<ClientCommands>[]) {}

  static async start(count: number): Promise<Fleet> {
    const procs = Array.from(
      { length: count },
      (_, i) => new Rpc<ClientCommands>(forkModule("clients.ts", { heapMb: 4096 }), `clients ${i}`),
    );
    // A first round trip proves each process is up and listening.
    await Promise.all(procs.map((p) => p.call("quiet", {}, 30_000)));
    return new Fleet(procs);
  }

  get pids(): number[] {
    return this.procs.map((p) => p.pid);
  }

  /** Opens `urls` `batch` at a time, spread over the processes. */
  async open(urls: readonly string[], batch: number): Promise<OpenResult> {
    const result: OpenResult = { requested: urls.length, opened: 0, failed: 0 };
    for (let from = 0; from < urls.length; from += batch) {
      const slice = urls.slice(from, from + batch);
      const shares = this.procs.map((_, i) =>
        slice.filter((_, k) => (from + k) % this.procs.length === i),
      );
      const replies = await Promise.all(
        this.procs.map((p, i) =>
          (shares[i] as string[]).length > 0
            ? p.call("open", { urls: shares[i] as string[] }, 60_000)
            : { opened: 0, failed: 0 },
        ),
      );
      for (const r of replies) {
        result.opened += r.opened;
        result.failed += r.failed;
        if ("error" in r && r.error && !result.error) result.error = r.error;
      }
    }
    return result;
  }

  async window(start: number, end: number, deadline: number): Promise<void> {
    await Promise.all(this.procs.map((p) => p.call("window", { start, end, deadline })));
  }

  async collect(): Promise<FleetTotals> {
    const parts = await Promise.all(this.procs.map((p) => p.call("collect", {}, 60_000)));
    const delays = new Histogram();
    const summed = [...WINDOW_COUNTERS, ...HEALTH_COUNTERS, "open"] as const;
    const totals: FleetTotals = { ...zeroed(summed), closeCodes: {}, delays, cpu: [] };
    for (const part of parts) {
      for (const key of summed) totals[key] += part[key];
      for (const [code, n] of Object.entries(part.closeCodes)) {
        totals.closeCodes[code] = (totals.closeCodes[code] ?? 0) + n;
      }
      delays.add(part.delays);
      totals.cpu.push(part.cpu);
    }
    return totals;
  }

  /** Ms since any process last received a frame. */
  async quietMs(): Promise<number> {
    const q = await Promise.all(this.procs.map((p) => p.call("quiet", {})));
    return Math.min(...q);
  }

  async close(): Promise<{ closed: number; clean: number }> {
    const replies = await Promise.all(this.procs.map((p) => p.call("close", {}, 30_000)));
    return {
      closed: replies.reduce((n, r) => n + r.closed, 0),
      clean: replies.reduce((n, r) => n + r.clean, 0),
    };
  }

  /** Reconnecting sockets (`reconnect.ts`), `batch` at a time, each held until its snapshot. */
  async hold(
    urls: readonly string[],
    batch: number,
    deadline = Number.POSITIVE_INFINITY,
  ): Promise<{ held: number; failed: number }> {
    const total = { held: 0, failed: 0 };
    for (let from = 0; from < urls.length && Date.now() < deadline; from += batch) {
      const slice = urls.slice(from, from + batch);
      const replies = await Promise.all(
        this.procs.map((p, i) => {
          const share = slice.filter((_, k) => k % this.procs.length === i);
          return p.call("hold", { urls: share, timeoutMs: 30_000 }, 60_000);
        }),
      );
      for (const r of replies) {
        total.held += r.held;
        total.failed += r.failed;
      }
    }
    return total;
  }

  async arm(at: number): Promise<void> {
    await Promise.all(this.procs.map((p) => p.call("arm", { at })));
  }

  /** The storm's counts over every process; `times` merged and sorted only when asked for. */
  async storm(times: boolean): Promise<StormCounts> {
    const parts = await Promise.all(this.procs.map((p) => p.call("storm", { times }, 60_000)));
    return mergeStorm(parts);
  }

  async release(): Promise<number> {
    const n = await Promise.all(this.procs.map((p) => p.call("release", {}, 30_000)));
    return n.reduce((a, b) => a + b, 0);
  }

  /** Closing the IPC channel makes each process exit (`exitWithParent`). */
  dispose(): void {
    for (const p of this.procs) p.child.disconnect?.();
  }
}
