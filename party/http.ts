/** Responses shared by the rooms: JSON bodies, protocol error bodies, CORS for public reads. */
import { ErrorCode, type HttpError } from "./protocol/index.ts";

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers": "authorization, content-type",
  "access-control-max-age": "86400",
};

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...CORS, ...headers },
  });
}

export function jsonText(text: string, status = 200): Response {
  return new Response(text, {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...CORS },
  });
}

export function httpError(status: number, code: ErrorCode, message: string): Response {
  return json({ error: { code, message } } satisfies HttpError, status);
}

export function preflight(): Response {
  return new Response(null, { status: 204, headers: CORS });
}

/** The part of a request `readBody` needs: the Fetch API's and the Workers runtime's both fit. */
type BodySource = {
  headers: { get(name: string): string | null };
  bodyUsed?: boolean;
  body: {
    getReader(): {
      read(): Promise<{ done: boolean; value?: Uint8Array }>;
      cancel(): Promise<void>;
    };
  } | null;
};

/**
 * Reads a request body as text, refusing bodies over `limit` bytes without buffering them
 * whole. Returns null when the body is too large.
 */
export async function readBody(req: BodySource, limit: number): Promise<string | null> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > limit) return null;
  if (!req.body) return "";
  const reader = req.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done || !value) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    parts.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.byteLength;
  }
  return new TextDecoder().decode(all);
}

/** Largest unread body `answered` drains; past it the connection may go, but not the room. */
const DRAIN_LIMIT = 1024 * 1024;

/**
 * Answers a request only once its body is read. The runtime drops the connection of a request
 * answered with its body unread, and a client's next request on that connection fails, so
 * every early answer (401, 405, 409, ...) goes through here rather than each handler
 * remembering to read first.
 */
export async function answered(req: BodySource, response: Promise<Response>): Promise<Response> {
  const res = await response;
  if (req.body && !req.bodyUsed) await readBody(req, DRAIN_LIMIT).catch(() => null);
  return res;
}

/** Compares two secrets in time that does not depend on where they first differ. */
export function safeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/** The room id as the client wrote it, decoded; null when it is not valid percent-encoding. */
export function decodeRoomId(id: string): string | null {
  try {
    return decodeURIComponent(id);
  } catch {
    return null;
  }
}

/**
 * The answer to a request a room failed to handle: logged for the operator, and a message
 * without internals for the client.
 */
export function serverError(what: string, err: unknown): Response {
  console.error(`${what} failed`, err);
  return httpError(
    500,
    ErrorCode.internal,
    "the room could not handle this request; nothing was changed",
  );
}

/** The part of a connection `answerClose` needs. */
type Closable = { close(code?: number, reason?: string): void };

/**
 * Completes the closing handshake: with hibernating sockets the runtime leaves a client's
 * close frame unanswered unless the room answers it, and the client waits out its own timeout.
 */
export function answerClose(conn: Closable): void {
  try {
    conn.close(1000, "closed");
  } catch {
    // Already closed.
  }
}
