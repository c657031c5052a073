/**
 * Sockets that come back the way the app's do (`app/lib/reconnect-policy.ts`, as partysocket
 * applies it): each client draws its first wait once, waits longer after each failed attempt,
 * abandons an attempt that has not opened in time, and after an attempt that never opened asks
 * the room over HTTP whether it was refused, as `use-room-socket.ts` does. A client process
 * holds them for `npm run bench:storm`, which counts, from the moment the server went down
 * (`arm`), how long each took to have a snapshot again.
 *
 * Frames are told apart by their first bytes (`{"type":"snapshot"`), not parsed: the clients are
 * the instrument, and parsing 10,000 snapshots would make them the bottleneck.
 */
import { WebSocket } from "ws";
import {
  CONNECT_TIMEOUT_MS,
  MIN_UPTIME_MS,
  minDelay,
  reconnectDelay,
} from "../app/lib/reconnect-policy.ts";

type Client = {
  url: string;
  min: number;
  retry: number;
  ws: WebSocket | null;
  /** When the client last got a snapshot; compared with the storm's start. */
  snapshotAt: number;
  timers: ReturnType<typeof setTimeout>[];
};

export type StormCounts = {
  clients: number;
  /** Clients with a snapshot since the storm began. */
  done: number;
  /** Each one's ms from the storm's start to its first snapshot, sorted. */
  times: number[];
  attempts: number;
  /** Attempts that failed: refused (nothing listening), HTTP status, timed out, closed. */
  failures: Record<string, number>;
  /** Close codes of sockets that were open. */
  closeCodes: Record<string, number>;
  /** Plain requests asking whether a failed attempt was a refusal. */
  checks: number;
};

const SNAPSHOT_PREFIX = Buffer.from('{"type":"snapshot"');

export class ReconnectingClients {
  private readonly clients: Client[] = [];
  private stormStart = Number.POSITIVE_INFINITY;
  private stopped = false;
  private counts = fresh();

  /** Connects each of `urls` until it has a snapshot; replies when all have or `timeoutMs` passed. */
  async hold(urls: string[], timeoutMs: number): Promise<{ held: number; failed: number }> {
    const added = urls.map((url) => {
      const client: Client = {
        url,
        min: minDelay(Math.random()),
        retry: -1,
        ws: null,
        snapshotAt: 0,
        timers: [],
      };
      this.clients.push(client);
      this.connect(client);
      return client;
    });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && added.some((c) => c.snapshotAt === 0)) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const held = added.filter((c) => c.snapshotAt > 0).length;
    return { held, failed: added.length - held };
  }

  /** The server is going down now: count from `at`. */
  arm(at: number): void {
    this.stormStart = at;
    this.counts = fresh();
  }

  report(withTimes: boolean): StormCounts {
    const times: number[] = [];
    for (const c of this.clients) {
      if (c.snapshotAt >= this.stormStart) times.push(c.snapshotAt - this.stormStart);
    }
    times.sort((a, b) => a - b);
    return {
      ...this.counts,
      clients: this.clients.length,
      done: times.length,
      times: withTimes ? times : [],
    };
  }

  close(): number {
    this.stopped = true;
    for (const c of this.clients) {
      for (const t of c.timers) clearTimeout(t);
      c.ws?.terminate();
    }
    const n = this.clients.length;
    this.clients.length = 0;
    return n;
  }

  private connect(client: Client): void {
    if (this.stopped) return;
    client.retry++;
    const wait = reconnectDelay(client.min, client.retry);
    client.timers = [setTimeout(() => this.attempt(client), wait)];
  }

  private attempt(client: Client): void {
    if (this.stopped) return;
    this.counts.attempts++;
    const ws = new WebSocket(client.url, { perMessageDeflate: false, skipUTF8Validation: true });
    client.ws = ws;
    let opened = false;
    let over = false;
    const end = (failure: string | null, code?: number) => {
      if (over) return;
      over = true;
      for (const t of client.timers) clearTimeout(t);
      if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
      if (this.stopped) return;
      if (opened) {
        const key = code ?? failure ?? "error";
        this.counts.closeCodes[key] = (this.counts.closeCodes[key] ?? 0) + 1;
      } else if (failure) {
        this.counts.failures[failure] = (this.counts.failures[failure] ?? 0) + 1;
        this.check(client.url);
      }
      this.connect(client);
    };
    client.timers = [setTimeout(() => end("timed out"), CONNECT_TIMEOUT_MS)];
    ws.on("open", () => {
      opened = true;
      for (const t of client.timers) clearTimeout(t);
      // Up long enough, the client's back-off starts over.
      client.timers = [setTimeout(() => (client.retry = 0), MIN_UPTIME_MS)];
    });
    ws.on("message", (data: Buffer) => {
      if (data.length >= SNAPSHOT_PREFIX.length && data.subarray(0, 18).equals(SNAPSHOT_PREFIX)) {
        client.snapshotAt = Date.now();
      }
    });
    ws.on("unexpected-response", (_req, res) => end(`HTTP ${res.statusCode}`));
    ws.on("error", (err: NodeJS.ErrnoException) => end(err.code ?? "error"));
    ws.on("close", (code) => end("closed before opening", code));
  }

  /** As the app does after an attempt that never opened; the answer only costs the server. */
  private check(wsUrl: string): void {
    this.counts.checks++;
    const url = wsUrl.replace(/^ws/, "http").replace(/\?.*$/, "");
    fetch(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(10_000) })
      .then((res) => res.arrayBuffer())
      .catch(() => undefined);
  }
}

function fresh(): Omit<StormCounts, "clients" | "done" | "times"> {
  return { attempts: 0, failures: {}, closeCodes: {}, checks: 0 };
}

/** Several processes' counts as one. */
export function mergeStorm(parts: readonly StormCounts[]): StormCounts {
  const add = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + n;
  };
  const total: StormCounts = { ...fresh(), clients: 0, done: 0, times: [] };
  for (const p of parts) {
    total.clients += p.clients;
    total.done += p.done;
    total.attempts += p.attempts;
    total.checks += p.checks;
    add(total.failures, p.failures);
    add(total.closeCodes, p.closeCodes);
    for (const t of p.times) total.times.push(t);
  }
  total.times.sort((a, b) => a - b);
  return total;
}
