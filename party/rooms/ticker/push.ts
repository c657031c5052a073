/**
 * A push, up to the write: who may push, the body, whether this room takes it, and the room it
 * leaves. The room stores that before it acknowledges anything.
 */
import { httpError, readBody, safeEqual } from "../../http.ts";
import { checkIngest } from "../../market/ingest.ts";
import { ErrorCode, LIMITS, type Source, type Tick } from "../../protocol/index.ts";
import { setting } from "../host.ts";
import { type Room, roomOn } from "./room.ts";
import { chooseSource, type PriceSource } from "./sources.ts";

export type PushRead = { ok: true; body: unknown } | { ok: false; refusal: Response };

/** Reads a push request; refuses it with 403, 401, 413 or 400 as the protocol says. */
export async function readPush(
  req: Request,
  env: Readonly<Record<string, unknown>>,
): Promise<PushRead> {
  const text = await readBody(req, LIMITS.pushBytes);
  const token = setting(env, "INGEST_TOKEN");
  if (token === undefined) {
    return refuse(
      403,
      ErrorCode.forbidden,
      "pushes are switched off: the server has no INGEST_TOKEN",
    );
  }
  const auth = req.headers.get("authorization") ?? "";
  if (!safeEqual(auth, `Bearer ${token}`)) {
    return refuse(
      401,
      ErrorCode.unauthorized,
      "pushes need the header Authorization: Bearer <INGEST_TOKEN>",
    );
  }
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
  | { ok: true; next: Room; ticks: Tick[]; switching: boolean };

/**
 * What a push does to `before` (null: a room never used). A room an exchange feeds refuses it;
 * bad ticks are refused whole; otherwise the ticks go into a copy of the room, which becomes
 * a push room if it was not one: a room never mixes sources, so a switch drops the history
 * and the counter carries on. The copy leaves `before` as it was if the write fails.
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
  const checked = checkIngest(body, before?.lastPushed ?? null);
  if (!checked.ok) return refuse(400, ErrorCode.badRequest, checked.message);
  const ticks = checked.ticks;
  const lastPushed = (ticks[ticks.length - 1] as Tick)[0];
  const kept = before?.source.name === "push" ? before : null;
  const seq = before?.history.seq ?? 0;
  const next: Room = kept
    ? { ...kept, history: kept.history.clone(), lastPushed }
    : roomOn(room.pushSource(), { symbol: room.symbol, seq, lastPushed }, room.now);
  next.history.append(ticks);
  return { ok: true, next, ticks, switching: kept === null };
}

function refuse(
  status: number,
  code: ErrorCode,
  message: string,
): { ok: false; refusal: Response } {
  return { ok: false, refusal: httpError(status, code, message) };
}

/** Runs tasks one at a time, in order, so that each push is checked against the one before. */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
