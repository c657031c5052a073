/** Reading a create request's body: size, then JSON, then shape, each refused with a 4xx. */
import * as v from "valibot";
import { httpError } from "../../http.ts";
import {
  type CreateWatchlist,
  CreateWatchlistSchema,
  describeIssues,
  ErrorCode,
} from "../../protocol/index.ts";

/** Lists are small: a body this size holds any valid one many times over. */
export const CREATE_BODY_BYTES = 16 * 1024;

export type CreateBody = { ok: true; value: CreateWatchlist } | { ok: false; refusal: Response };

/** A create body as read by `readBody` (null: it was over the limit). An empty body is `{}`. */
export function parseCreateBody(text: string | null): CreateBody {
  if (text === null) {
    return refuse(413, ErrorCode.tooLarge, `the body is over ${CREATE_BODY_BYTES} bytes`);
  }
  let body: unknown = {};
  if (text.trim() !== "") {
    try {
      body = JSON.parse(text);
    } catch {
      return refuse(400, ErrorCode.badRequest, "the body is not valid JSON");
    }
  }
  const parsed = v.safeParse(CreateWatchlistSchema, body);
  if (!parsed.success) return refuse(400, ErrorCode.badRequest, describeIssues(parsed.issues));
  return { ok: true, value: parsed.output };
}

function refuse(status: number, code: ErrorCode, message: string): CreateBody {
  return { ok: false, refusal: httpError(status, code, message) };
}
