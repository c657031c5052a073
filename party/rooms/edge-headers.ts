/**
 * What the edge (the Worker, or a PartyKit shell's static hooks) tells a room about a request.
 * The edge always sets or strips these headers itself, so a client can never send them.
 */
import { INTERNAL_HEADER } from "./alert-link.ts";

/** An opaque key for the client (a hash of its address), for per-client limits in a room. */
export const CLIENT_HEADER = "x-tickerroom-client";
/** Set when the client's budget allows it to open a room that does not exist yet. */
export const CREATE_HEADER = "x-tickerroom-create";
/**
 * A room's answer to an upgrade that would create it when the request carried no
 * `CREATE_HEADER`: the edge charges the client's budget for new rooms and asks again, or
 * answers 429. Never seen by clients.
 */
export const NEEDS_CREATE_STATUS = 428;

/** The client key the edge set; requests that reached a room some other way share one key. */
export function clientKey(req: Request): string {
  return req.headers.get(CLIENT_HEADER) || "local";
}

/** Whether the edge allowed this request to create its room. */
export function mayCreate(req: Request): boolean {
  return req.headers.get(CREATE_HEADER) === "1";
}

/** The connection tag a room gives a client's sockets, to count them. */
export function clientTag(key: string): string {
  return `client:${key}`;
}

/**
 * The request as the edge forwards it to a room: the client's own copies of these headers
 * dropped, its key set from the address the platform vouches for (`CF-Connecting-IP`, which
 * Cloudflare sets and local runners fill in from the socket), and `create` only when the edge
 * allows it.
 */
export async function fromEdge(req: Request, create = false): Promise<Request> {
  const headers = new Headers(req.headers);
  headers.delete(CREATE_HEADER);
  headers.delete(INTERNAL_HEADER);
  headers.set(CLIENT_HEADER, await clientAddressKey(req));
  if (create) headers.set(CREATE_HEADER, "1");
  return new Request(req, { headers });
}

/**
 * The client's key: a short hash of the address the platform vouches for, enough to tell
 * clients apart without keeping their addresses.
 */
export async function clientAddressKey(req: Request): Promise<string> {
  const address = req.headers.get("cf-connecting-ip") ?? "local";
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(address));
  return [...new Uint8Array(digest).slice(0, 8)]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("");
}
