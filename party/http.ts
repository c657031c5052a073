/** Responses shared by the rooms: JSON bodies, protocol error bodies, CORS for public reads. */
import { ErrorCode, type HttpError } from "./protocol/index.ts";

/**
 * Snapshots and lists are readable from any site; nothing that writes is (the edge strips the
 * grant from answers to writes, and a preflight offers reads only).
 */
const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, HEAD",
  "access-control-max-age": "86400",
};
const JSON_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "x-content-type-options": "nosniff",
};

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...JSON_HEADERS, ...CORS, ...headers },
  });
}

export function jsonText(text: string, status = 200): Response {
  return new Response(text, {
    status,
    headers: { ...JSON_HEADERS, ...CORS },
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

/** A body that did not arrive in time: the request is answered with 408. */
export class BodyTimeout extends Error {
  constructor(readonly ms: number) {
    super(`the body did not arrive within ${ms / 1000} s`);
  }
}

/** How long a body may take to arrive, whatever its size. */
export const BODY_TIMEOUT_MS = 10_000;

/**
 * Reads a request body as text, refusing bodies over `limit` bytes without buffering them
 * whole. Returns null when the body is too large; throws `BodyTimeout` when it has not fully
 * arrived within `timeoutMs`, so that a client holding a request open cannot hold the room.
 */
export async function readBody(
  req: BodySource,
  limit: number,
  timeoutMs = BODY_TIMEOUT_MS,
): Promise<string | null> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > limit) return null;
  if (!req.body) return "";
  const reader = req.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BodyTimeout(timeoutMs)), timeoutMs);
  });
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), late]);
      if (done || !value) break;
      size += value.byteLength;
      if (size > limit) {
        void reader.cancel().catch(() => undefined);
        return null;
      }
      parts.push(value);
    }
  } catch (err) {
    void reader.cancel().catch(() => undefined);
    throw err;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.byteLength;
  }
  return new TextDecoder().decode(all);
}

/** The 408 for a body that did not arrive in time, or null for any other failure. */
export function bodyRefusal(err: unknown): Response | null {
  return err instanceof BodyTimeout ? httpError(408, ErrorCode.timeout, err.message) : null;
}

/**
 * `readBody`, with a body that did not arrive in time answered (408) rather than thrown: the
 * text (null: over `limit`), or the refusal. Any other failure still throws.
 */
export async function readBodyOrRefusal(
  req: BodySource,
  limit: number,
): Promise<{ text: string | null } | { refusal: Response }> {
  try {
    return { text: await readBody(req, limit) };
  } catch (err) {
    const refusal = bodyRefusal(err);
    if (refusal) return { refusal };
    throw err;
  }
}

/**
 * An early answer (401, 405, 409, ...) drains at most this much of an unread body, and waits
 * at most `DRAIN_MS` for it: enough for a client's small request to keep its connection, too
 * little for an anonymous client to make the room read or wait for a large or held one.
 */
const DRAIN_LIMIT = 16 * 1024;
const DRAIN_MS = 1000;

/**
 * Answers a request once its body is read, when it is small and arrives at once. The runtime
 * drops the connection of a request answered with its body unread, and a client's next
 * request on that connection fails, so every early answer goes through here rather than each
 * handler remembering to read first. A large or held body is not waited for: that connection
 * may go, the room does not.
 */
export async function answered(
  req: BodySource,
  response: Response | Promise<Response>,
): Promise<Response> {
  const res = await response;
  if (req.body && !req.bodyUsed) await readBody(req, DRAIN_LIMIT, DRAIN_MS).catch(() => null);
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
