/**
 * Reading values out of upstream frames. Exchanges send prices as decimal strings (to keep
 * precision) or as numbers, and times as RFC 3339 text with up to nanoseconds or as epoch
 * milliseconds; everything here returns null instead of throwing, so a parser can turn a bad
 * field into a non-fatal error.
 */
import type { Tick } from "../../protocol/index.ts";

const DECIMAL = /^[+]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

/** A finite positive number from a number or a decimal string. */
export function positive(value: unknown): number | null {
  let n: number;
  if (typeof value === "number") n = value;
  else if (typeof value === "string" && DECIMAL.test(value.trim())) n = Number(value);
  else return null;
  return Number.isFinite(n) && n > 0 ? n : null;
}

/**
 * Epoch milliseconds from RFC 3339 text (`2023-10-06T17:35:55.440295Z`). Digits past the
 * millisecond are cut, not rounded, so that two trades in the same millisecond keep their order.
 */
export function rfc3339(value: unknown): number | null {
  if (typeof value !== "string") return null;
  const m = RFC3339.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return null;
  }
  const ms = Number((m[7] ?? "").slice(0, 3).padEnd(3, "0"));
  // Date.UTC rolls 30 February over into March: a day the month lacks is refused instead.
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return null;
  let time = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (m[9]) {
    const offset = (Number(m[10]) * 60 + Number(m[11])) * 60_000;
    time += m[9] === "+" ? -offset : offset;
  }
  return Number.isSafeInteger(time) && time >= 0 ? time : null;
}

/** Whole epoch milliseconds from a number. */
export function epochMs(value: unknown): number | null {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/** A tick from its three parts, or null if any part is unusable. */
export function tick(time: number | null, price: unknown, size: unknown): Tick | null {
  const p = positive(price);
  const s = positive(size);
  return time === null || p === null || s === null ? null : [time, p, s];
}

/** Parses a frame as JSON; undefined when it is not JSON. */
export function json(frame: string): unknown {
  try {
    return JSON.parse(frame);
  } catch {
    return undefined;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Sorts ticks by time, keeping the arrival order of equal times. */
export function byTime(ticks: Tick[]): Tick[] {
  return ticks.sort((a, b) => a[0] - b[0]);
}

/** A frame longer than this is clipped in error messages. */
export function clipFrame(frame: string, max = 80): string {
  return frame.length > max ? `${frame.slice(0, max)}…` : frame;
}

const PAIR = /^([A-Z0-9]{1,10})-([A-Z0-9]{1,10})$/;

/** `BTC-USD` → base `BTC`, quote `USD`; null for anything that is not a currency pair. */
export function pair(symbol: string): { base: string; quote: string } | null {
  const m = PAIR.exec(symbol);
  return m ? { base: m[1] as string, quote: m[2] as string } : null;
}

/** What every adapter says of a frame it cannot read at all. */
export function notAnObject(provider: string, frame: string): string {
  return `${provider} sent a frame that is not a JSON object: ${clipFrame(frame)}`;
}
