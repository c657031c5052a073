/**
 * A push, up to the write: who may push (from the headers, before any of the body is read), the
 * body (read with a deadline), whether this room takes it, and the room it leaves: its candles
 * (a bridge's backfill) merged into the day, then its ticks appended. The room stores that
 * before it acknowledges anything.
 */
import { httpError, readBodyOrRefusal, safeEqual } from "../../http.ts";
import { checkIngest } from "../../market/ingest.ts";
import {
  type Candle,
  ErrorCode,
  type IngestReply,
  LIMITS,
  type Source,
  type Tick,
} from "../../protocol/index.ts";
import { setting } from "../host.ts";
import { type Room, roomOn } from "./room.ts";
import { chooseSource, type PriceSource } from "./sources.ts";

export type PushRead = { ok: true; body: unknown } | { ok: false; refusal: Response };

/**
 * Who may push, reset a room or read its counters: 403 when the server has no `INGEST_TOKEN`,
 * 401 without `Authorization: Bearer <INGEST_TOKEN>` (the scheme in any case), else null.
 * Decided from the headers alone, so that an anonymous request is answered at once, however
 * slowly its body arrives.
 */
export function refuseIngestAuth(
  req: Request,
  env: Readonly<Record<string, unknown>>,
): Response | null {
  const token = setting(env, "INGEST_TOKEN");
  if (token === undefined) {
    return httpError(
      403,
      ErrorCode.forbidden,
      "pushes are switched off: the server has no INGEST_TOKEN",
    );
  }
  if (!safeEqual(bearerToken(req) ?? "", token)) {
    return httpError(
      401,
      ErrorCode.unauthorized,
      "this needs the header Authorization: Bearer <INGEST_TOKEN>",
    );
  }
  return null;
}

/** The credentials of an `Authorization: Bearer …` header; the scheme is case-insensitive. */
export function bearerToken(req: Request): string | null {
  const match = /^bearer +(\S.*)$/i.exec(req.headers.get("authorization") ?? "");
  return match ? (match[1] as string) : null;
}

/**
 * Reads a push body: 413 over `LIMITS.pushBytes`, 408 when it has not arrived within the
 * deadline, 400 when it is not JSON.
 */
export async function readPushBody(req: Request): Promise<PushRead> {
  const read = await readBodyOrRefusal(req, LIMITS.pushBytes);
  if ("refusal" in read) return { ok: false, refusal: read.refusal };
  const { text } = read;
  if (text === null) {
    return refuse(413, ErrorCode.tooLarge, `the body is over ${LIMITS.pushBytes} bytes`);
  }
  try {
    return { ok: true, body: JSON.parse(text) };
  } catch {
    return refuse(400, ErrorCode.badRequest, "the body is not valid JSON");
  }
}

export type PushPlan =
  | { ok: false; refusal: Response }
  | { ok: true; next: Room; ticks: Tick[]; candles: Candle[]; switching: boolean };

/**
 * What a push does to `before` (null: a room never used). A room an exchange feeds refuses it;
 * bad ticks or candles are refused whole; otherwise they go into a copy of the room, which
 * becomes a push room if it was not one: a room never mixes sources, so a switch drops the
 * history and the counter carries on. Candles replace the room's minutes of the same start
 * (`History.merge`) and move neither the counter nor the last pushed time; ticks are appended
 * after them. The copy leaves `before` as it was if the write fails.
 */
export function planPush(
  before: Room | null,
  body: unknown,
  room: { symbol: string; wanted: Source; pushSource(): PriceSource; now: number },
): PushPlan {
  const current = before?.source.name ?? null;
  if (chooseSource(current, room.wanted, true) === null) {
    return refuse(
      409,
      ErrorCode.conflict,
      `${room.symbol} takes its prices from ${current ?? room.wanted} (FEEDS); a room never mixes sources`,
    );
  }
  const checked = checkIngest(body, before?.lastPushed ?? null, room.now);
  if (!checked.ok) return refuse(400, ErrorCode.badRequest, checked.message);
  const { ticks, candles } = checked;
  const kept = before?.source.name === "push" ? before : null;
  const lastPushed = ticks.at(-1)?.[0] ?? kept?.lastPushed ?? null;
  const seq = before?.history.seq ?? 0;
  const next: Room = kept
    ? { ...kept, history: kept.history.clone(), lastPushed }
    : roomOn(room.pushSource(), { symbol: room.symbol, seq, lastPushed }, room.now);
  if (candles.length > 0) {
    next.history.merge(candles);
    next.history.trim();
  }
  next.history.append(ticks);
  return { ok: true, next, ticks, candles, switching: kept === null };
}

/** The acknowledgement of a stored push; `candles` only when it had any (an additive field). */
export function pushReply(plan: Extract<PushPlan, { ok: true }>): IngestReply {
  const reply: IngestReply = { accepted: plan.ticks.length, seq: plan.next.history.seq };
  return plan.candles.length > 0 ? { ...reply, candles: plan.candles.length } : reply;
}

function refuse(
  status: number,
  code: ErrorCode,
  message: string,
): { ok: false; refusal: Response } {
  return { ok: false, refusal: httpError(status, code, message) };
}

/**
 * Runs tasks one at a time, in order, so that each push is checked against the one before.
 * Only the apply runs here: a body is read before its push joins the queue.
 */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
