/** Parsing client frames: size first, then JSON, then shape. Never throws. */
import * as v from "valibot";
import { ErrorCode, LIMITS } from "./limits.ts";
import { clip } from "./names.ts";

/** A correlation id a client may attach to a frame; echoed by the answer. */
export const Ref = /* @__PURE__ */ v.pipe(v.string(), v.maxLength(64));

export type FrameCheck<T> =
  | { ok: true; value: T }
  | { ok: false; code: ErrorCode; message: string };

/**
 * Parses one client frame against a schema: size first (so a huge frame is never parsed),
 * then JSON, then shape. Never throws.
 */
export function parseFrame<T>(
  schema: v.GenericSchema<unknown, T>,
  frame: string | ArrayBuffer | ArrayBufferView,
): FrameCheck<T> {
  if (typeof frame !== "string") {
    const bytes = frame.byteLength;
    return bytes > LIMITS.frameBytes
      ? tooLarge(bytes)
      : { ok: false, code: ErrorCode.badMessage, message: "frames must be JSON text" };
  }
  const bytes = utf8Length(frame);
  if (bytes > LIMITS.frameBytes) return tooLarge(bytes);
  let json: unknown;
  try {
    json = JSON.parse(frame);
  } catch {
    return { ok: false, code: ErrorCode.badMessage, message: "frame is not valid JSON" };
  }
  const result = v.safeParse(schema, json);
  if (result.success) return { ok: true, value: result.output };
  return { ok: false, code: ErrorCode.badMessage, message: describeIssues(result.issues, json) };
}

function tooLarge(bytes: number): FrameCheck<never> {
  return {
    ok: false,
    code: ErrorCode.tooLarge,
    message: `frame is ${bytes} bytes; the limit is ${LIMITS.frameBytes}`,
  };
}

/** The UTF-8 length of a string, counted without encoding it. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
      // A surrogate pair is one code point of four bytes.
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** A short readable account of why a value failed a schema. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[], input?: unknown): string {
  const issue = issues[0];
  if (!issue) return "invalid message";
  const type = (input as { type?: unknown } | null)?.type;
  if (issue.kind === "schema" && issue.path?.length === 1 && issue.path[0]?.key === "type") {
    return typeof type === "string"
      ? `unknown message type "${clip(type)}"`
      : "message has no type";
  }
  const path = v.getDotPath(issue);
  return path ? `${path}: ${issue.message}` : issue.message;
}

export type ErrorMessage = {
  type: "error";
  code: ErrorCode;
  message: string;
  ref?: string;
};

export type PongMessage = { type: "pong"; ref?: string; serverTime: number };

export type HttpError = { error: { code: ErrorCode; message: string } };
