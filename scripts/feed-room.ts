/**
 * A ticker room over HTTP, as the feed scripts reach it: its snapshot read, and a push (ticks or
 * candles) posted with the server's ingest token.
 */
import type { RoomView } from "../party/market/push-queue.ts";
import type { Candle } from "../party/protocol/index.ts";

/** What the scripts read of a room's snapshot. */
export type RoomRead = RoomView & { candles: Candle[] };

export type Posted = { ok: boolean; status: number; text: string; message: string };

export function roomUrl(server: string, symbol: string): string {
  return `${server}/parties/ticker/${encodeURIComponent(symbol)}`;
}

/** The room's snapshot; throws with the room's own message when it is not a 200. */
export async function readRoom(
  server: string,
  symbol: string,
  timeoutMs: number,
): Promise<RoomRead> {
  const res = await fetch(roomUrl(server, symbol), { signal: AbortSignal.timeout(timeoutMs) });
  const body = await res.text();
  if (!res.ok) {
    throw new Error(
      `reading the room gave HTTP ${res.status}: ${errorMessage(body) ?? res.statusText}`,
    );
  }
  const room = JSON.parse(body) as Partial<RoomRead>;
  return {
    source: typeof room.source === "string" ? room.source : "",
    seq: typeof room.seq === "number" ? room.seq : 0,
    ticks: Array.isArray(room.ticks) ? room.ticks : [],
    candles: Array.isArray(room.candles) ? room.candles : [],
  };
}

/** Posts a push body; a network failure or a timeout throws. */
export async function postRoom(
  server: string,
  token: string,
  symbol: string,
  body: unknown,
  timeoutMs: number,
): Promise<Posted> {
  const res = await fetch(roomUrl(server, symbol), {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  return { ok: res.ok, status: res.status, text, message: errorMessage(text) ?? res.statusText };
}

/** The `error.message` of a protocol error body, else the start of the body. */
export function errorMessage(body: string): string | null {
  try {
    const message = (JSON.parse(body) as { error?: { message?: unknown } }).error?.message;
    return typeof message === "string" ? message : null;
  } catch {
    return body.trim().slice(0, 200) || null;
  }
}
