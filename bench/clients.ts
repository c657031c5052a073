/**
 * A client process: holds many real WebSocket clients and measures what arrives, so that the
 * parent only ever moves counts. Several of these run side by side, so that receiving is not
 * what limits a run on two cores.
 *
 * For every tick whose due time (the trade's time, stamped by the feed) falls in the measured
 * window it records the delay to its arrival here (`Date.now()`; the feed and the clients share
 * this machine's clock). It checks that each socket's `seq` runs on without gaps or repeats,
 * counts frames and bytes arriving in the window, and its own CPU time over the window, which
 * tells whether the clients kept up.
 */
import { type RawData, WebSocket } from "ws";
import { HEALTH_COUNTERS, WINDOW_COUNTERS, zeroed } from "./counts.ts";
import { Histogram, type SparseHistogram } from "./histogram.ts";
import { serve } from "./ipc.ts";
import { exitWithParent } from "./proc.ts";
import { ReconnectingClients, type StormCounts } from "./reconnect.ts";

export type ClientCommands = {
  /** Opens these sockets at once; replies when each is open or has failed. */
  open: { request: { urls: string[] }; reply: { opened: number; failed: number; error?: string } };
  /** Starts counting for a window of due times [start, end); arrivals after `deadline` are late. */
  window: { request: { start: number; end: number; deadline: number }; reply: null };
  collect: { request: Record<string, never>; reply: ClientCounts };
  /** Ms since the last frame arrived on any socket. */
  quiet: { request: Record<string, never>; reply: number };
  /** Closes every socket: how many were open, and how many the server closed in answer. */
  close: { request: Record<string, never>; reply: { closed: number; clean: number } };
  /** Reconnecting sockets (`reconnect.ts`): held until each has a snapshot. */
  hold: { request: { urls: string[]; timeoutMs: number }; reply: { held: number; failed: number } };
  /** The server goes down at `at`: time-to-snapshot counts from there. */
  arm: { request: { at: number }; reply: null };
  storm: { request: { times: boolean }; reply: StormCounts };
  /** Ends every reconnecting socket; replies how many there were. */
  release: { request: Record<string, never>; reply: number };
};

export type ClientCounts = {
  /** Ticks due in the window that arrived by the deadline. */
  delivered: number;
  /** Ticks due in the window that arrived after the deadline. */
  late: number;
  /** Frames (of any type) and their bytes arriving during the window. */
  frames: number;
  bytes: number;
  /**
   * Since the previous collect, on any socket: frames that skipped `seq` numbers (and how many
   * ticks were skipped), frames that repeated them.
   */
  gaps: number;
  gapTicks: number;
  duplicates: number;
  duplicateTicks: number;
  /** Snapshots after the first on a socket: the server started the client over. */
  resyncs: number;
  /** `error` frames, and frames that are not JSON. */
  errorFrames: number;
  socketErrors: number;
  unexpectedCloses: number;
  closeCodes: Record<string, number>;
  open: number;
  delays: SparseHistogram;
  /** This process's CPU seconds during the window. */
  cpu: number;
};

type Sock = { ws: WebSocket; lastSeq: number; closing: boolean; open: boolean };

type Frame = { type?: string; seq?: number; ticks?: [number, number, number][] };

const sockets: Sock[] = [];
const delays = new Histogram();
let window = { start: 0, end: 0, deadline: 0 };
/** What arrived for the current window; reset when a window is set. */
let inWindow = windowCounts();
/** Gaps, repeats and failures on any socket at any time; reset when they are collected. */
let health = healthCounts();
let cpuAtStart: NodeJS.CpuUsage | null = null;
let cpuInWindow = 0;
let lastArrival = 0;

function windowCounts() {
  return zeroed(WINDOW_COUNTERS);
}

function healthCounts() {
  return { ...zeroed(HEALTH_COUNTERS), closeCodes: {} as Record<string, number> };
}

function receive(sock: Sock, data: RawData): void {
  const now = Date.now();
  lastArrival = now;
  const buf = data as Buffer;
  if (now >= window.start && now < window.end) {
    inWindow.frames++;
    inWindow.bytes += buf.length;
  }
  let msg: Frame;
  try {
    msg = JSON.parse(buf.toString()) as Frame;
  } catch {
    health.errorFrames++;
    return;
  }
  if (msg.type === "ticks") {
    const ticks = msg.ticks ?? [];
    const seq = msg.seq ?? 0;
    if (sock.lastSeq >= 0) {
      const expected = sock.lastSeq + ticks.length;
      if (seq > expected) {
        health.gaps++;
        health.gapTicks += seq - expected;
      } else if (seq < expected) {
        health.duplicates++;
        health.duplicateTicks += expected - seq;
      }
    }
    sock.lastSeq = seq;
    for (let i = 0; i < ticks.length; i++) {
      const due = (ticks[i] as [number, number, number])[0];
      if (due < window.start || due >= window.end) continue;
      if (now <= window.deadline) inWindow.delivered++;
      else inWindow.late++;
      delays.record(now - due);
    }
  } else if (msg.type === "snapshot") {
    if (sock.lastSeq >= 0) health.resyncs++;
    sock.lastSeq = msg.seq ?? 0;
  } else if (msg.type === "error") {
    health.errorFrames++;
  }
}

function openOne(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, {
      perMessageDeflate: false,
      skipUTF8Validation: true,
      handshakeTimeout: 20_000,
    });
    const sock: Sock = { ws, lastSeq: -1, closing: false, open: false };
    let settled = false;
    const settle = (ok: boolean, why?: string) => {
      if (settled) return;
      settled = true;
      if (!ok && why) lastOpenError = why;
      resolve(ok);
    };
    ws.on("open", () => {
      sock.open = true;
      sockets.push(sock);
      settle(true);
    });
    ws.on("message", (data) => receive(sock, data));
    ws.on("unexpected-response", (_req, res) => {
      settle(false, `HTTP ${res.statusCode} on ${url}`);
      ws.terminate();
    });
    ws.on("error", (err) => {
      if (sock.open) health.socketErrors++;
      settle(false, err.message);
    });
    ws.on("close", (code) => {
      const wasOpen = sock.open;
      sock.open = false;
      if (wasOpen && !sock.closing) {
        health.unexpectedCloses++;
        health.closeCodes[code] = (health.closeCodes[code] ?? 0) + 1;
      }
      settle(false, `closed with ${code} before opening`);
    });
  });
}

let lastOpenError: string | undefined;

async function open(urls: string[]) {
  lastOpenError = undefined;
  const results = await Promise.all(urls.map(openOne));
  const opened = results.filter(Boolean).length;
  return {
    opened,
    failed: urls.length - opened,
    ...(lastOpenError ? { error: lastOpenError } : {}),
  };
}

function setWindow(start: number, end: number, deadline: number): void {
  window = { start, end, deadline };
  inWindow = windowCounts();
  delays.reset();
  cpuAtStart = null;
  cpuInWindow = 0;
  setTimeout(() => {
    cpuAtStart = process.cpuUsage();
  }, start - Date.now());
  setTimeout(() => {
    if (!cpuAtStart) return;
    const used = process.cpuUsage(cpuAtStart);
    cpuInWindow = (used.user + used.system) / 1e6;
  }, end - Date.now());
}

/**
 * Closes politely, and ends sockets whose server has not answered the close within
 * `CLOSE_WAIT_MS` (a server that never completes the closing handshake would otherwise hold
 * each client for `ws`'s 30 s close timeout).
 */
async function closeAll(): Promise<{ closed: number; clean: number }> {
  const open = sockets.filter((s) => s.open);
  for (const s of open) {
    s.closing = true;
    s.ws.close(1000, "bench done");
  }
  const deadline = Date.now() + CLOSE_WAIT_MS;
  while (Date.now() < deadline && open.some((s) => s.open)) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const clean = open.filter((s) => !s.open).length;
  for (const s of open) if (s.open) s.ws.terminate();
  sockets.length = 0;
  return { closed: open.length, clean };
}

const CLOSE_WAIT_MS = 500;

const reconnecting = new ReconnectingClients();

exitWithParent();
serve((req) => {
  switch (req.command) {
    case "open":
      return open(req.urls as string[]);
    case "window":
      setWindow(req.start as number, req.end as number, req.deadline as number);
      return null;
    case "collect": {
      const counts: ClientCounts = {
        ...inWindow,
        ...health,
        open: sockets.filter((s) => s.open).length,
        delays: delays.sparse(),
        cpu: cpuInWindow,
      };
      health = healthCounts();
      return counts;
    }
    case "quiet":
      return Date.now() - lastArrival;
    case "close":
      return closeAll();
    case "hold":
      return reconnecting.hold(req.urls as string[], req.timeoutMs as number);
    case "arm":
      reconnecting.arm(req.at as number);
      return null;
    case "storm":
      return reconnecting.report(req.times === true);
    case "release":
      return reconnecting.close();
    default:
      throw new Error(`unknown command ${req.command}`);
  }
});
