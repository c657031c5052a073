/**
 * What a ticker room does with a frame from a client: count it against the socket's budget,
 * parse it, and say what to answer. Nothing is required of clients; `ping` and `resync` are
 * what they may ask for.
 */
import {
  ErrorCode,
  parseFrame,
  TickerClientMessageSchema,
  type TickerServerMessage,
} from "../../protocol/index.ts";
import { countFrame, type FrameWindow, RATE_LIMITED_MESSAGE } from "../../rate-limit.ts";

/** Sends one frame; a socket that is closing is not an error of the room. */
export function sendText(conn: { send(text: string): void }, text: string): void {
  try {
    conn.send(text);
  } catch {
    // Its close handler does the rest.
  }
}

export function send(conn: { send(text: string): void }, message: TickerServerMessage): void {
  sendText(conn, JSON.stringify(message));
}

export type FrameAnswer =
  /** The socket keeps flooding: close it (1008). */
  | { kind: "close" }
  | { kind: "reply"; message: TickerServerMessage }
  /** A fresh snapshot, in the socket's mode. */
  | { kind: "snapshot" };

/** The socket's next budget window, and the answer to its frame. */
export function answerFrame(
  window: FrameWindow | null,
  data: string | ArrayBuffer | ArrayBufferView,
  now: number,
): { window: FrameWindow; answer: FrameAnswer } {
  const { next, verdict } = countFrame(window, now);
  const reply = (message: TickerServerMessage) => ({
    window: next,
    answer: { kind: "reply", message } as const,
  });
  if (verdict === "close") return { window: next, answer: { kind: "close" } };
  if (verdict === "limited") {
    return reply({ type: "error", code: ErrorCode.rateLimited, message: RATE_LIMITED_MESSAGE });
  }
  const parsed = parseFrame(TickerClientMessageSchema, data);
  if (!parsed.ok) return reply({ type: "error", code: parsed.code, message: parsed.message });
  const msg = parsed.value;
  if (msg.type === "resync") return { window: next, answer: { kind: "snapshot" } };
  return reply({
    type: "pong",
    ...(msg.ref === undefined ? {} : { ref: msg.ref }),
    serverTime: now,
  });
}
