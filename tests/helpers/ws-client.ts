/**
 * A plain WebSocket client for integration tests: what a third-party program would use, no
 * reconnection and no protocol knowledge. It records every frame with its arrival time, so a
 * test can check order and spacing after the fact, and waits for frames with a deadline.
 */
import WebSocket from "ws";

export type Frame = {
  /** Arrival time, `Date.now()` on this machine. */
  at: number;
  /** The frame as received. */
  text: string;
  binary: boolean;
  /** Parsed JSON, or undefined when the frame is not JSON. */
  data: unknown;
};

export type Closed = { code: number; reason: string };

/** A message of the given `type`, as far as a test needs to know before it checks the shape. */
export type Typed<T extends string> = { type: T; [field: string]: unknown };

export class WsClient {
  readonly frames: Frame[] = [];
  /** Resolves when the socket closes, with the close code the server sent. */
  readonly closed: Promise<Closed>;
  private cursor = 0;
  private listeners = new Set<() => void>();
  private closeInfo: Closed | null = null;

  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (raw, isBinary) => {
      const text = Buffer.isBuffer(raw)
        ? raw.toString("utf8")
        : Array.isArray(raw)
          ? Buffer.concat(raw).toString("utf8")
          : Buffer.from(raw).toString("utf8");
      this.frames.push({ at: Date.now(), text, binary: isBinary, data: parseJson(text) });
      this.notify();
    });
    this.closed = new Promise((resolve) => {
      socket.once("close", (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        resolve(this.closeInfo);
        this.notify();
      });
    });
    // An error is always followed by "close"; without a listener it would crash the run.
    socket.on("error", () => undefined);
  }

  /** Opens a socket; rejects if the upgrade is refused or nothing happens in time. */
  static connect(url: string, timeoutMs = 5000): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      // Attached before "open" so that no frame sent right after the upgrade is missed.
      const client = new WsClient(socket);
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new Error(`no WebSocket open on ${url} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once("open", () => {
        clearTimeout(timer);
        resolve(client);
      });
      socket.once("unexpected-response", (_req, res) => {
        clearTimeout(timer);
        res.resume();
        socket.terminate();
        reject(new Error(`upgrade to ${url} refused with HTTP ${res.statusCode}`));
      });
      socket.once("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  send(data: string | Buffer): void {
    this.socket.send(data);
  }

  /**
   * The first frame not yet taken that matches, waiting up to `timeoutMs` for it. Frames
   * before it are taken too, so consecutive calls walk the stream in order.
   */
  next(predicate: (data: unknown) => boolean, timeoutMs: number, what = "frame"): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        while (this.cursor < this.frames.length) {
          const frame = this.frames[this.cursor] as Frame;
          this.cursor++;
          if (predicate(frame.data)) {
            finish();
            resolve(frame);
            return true;
          }
        }
        if (this.closeInfo) {
          finish();
          reject(new Error(`socket closed (${this.closeInfo.code}) before the next ${what}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no ${what} within ${timeoutMs} ms; last frames: ${this.tail()}`));
      }, timeoutMs);
      const listener = () => void check();
      const finish = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      if (!check()) this.listeners.add(listener);
    });
  }

  /** The next frame of a given `type`. */
  async nextOf<T extends string>(type: T, timeoutMs: number): Promise<Typed<T> & { at: number }> {
    const frame = await this.next((data) => isType(data, type), timeoutMs, `"${type}" frame`);
    return { ...(frame.data as Typed<T>), at: frame.at };
  }

  /** Every frame received so far with this `type`. */
  all<T extends string>(type: T): (Typed<T> & { at: number })[] {
    return this.frames
      .filter((f) => isType(f.data, type))
      .map((f) => ({ ...(f.data as Typed<T>), at: f.at }));
  }

  /**
   * Closes from the client side. The runtime does not always answer a close frame, so after a
   * short grace the TCP connection is dropped, which the room sees as a close all the same.
   */
  async close(): Promise<Closed> {
    if (this.socket.readyState === WebSocket.CLOSED) return this.closed;
    this.socket.close(1000);
    const timer = setTimeout(() => this.socket.terminate(), 200);
    const info = await this.closed;
    clearTimeout(timer);
    return info;
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private tail(): string {
    return this.frames
      .slice(-3)
      .map((f) => f.text.slice(0, 160))
      .join(" | ");
  }
}

/** What a refused upgrade looked like: the HTTP status and body instead of a socket. */
export type Refusal =
  | {
      opened: false;
      status: number;
      body: unknown;
      headers: Record<string, string | string[] | undefined>;
    }
  | { opened: true };

/** Tries an upgrade that should be refused; reports the HTTP answer, or that a socket opened. */
export function tryUpgrade(
  url: string,
  timeoutMs = 5000,
  headers: Record<string, string> = {},
): Promise<Refusal> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`no answer to the upgrade on ${url} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on("error", () => undefined);
    socket.once("open", () => {
      clearTimeout(timer);
      socket.terminate();
      resolve({ opened: true });
    });
    socket.once("unexpected-response", (_req, res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.once("end", () => {
        clearTimeout(timer);
        socket.terminate();
        const text = Buffer.concat(chunks).toString("utf8");
        const status = res.statusCode ?? 0;
        resolve({ opened: false, status, body: parseJson(text), headers: res.headers });
      });
    });
  });
}

export function isType<T extends string>(data: unknown, type: T): data is Typed<T> {
  return typeof data === "object" && data !== null && (data as { type?: unknown }).type === type;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
