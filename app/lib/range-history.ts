/**
 * Long ranges fetched from the ticker room (`GET /parties/ticker/:symbol?range=`), once per
 * symbol and range while the page lives: the socket keeps the newest bar live after that
 * (`range-bars.ts`). A failed fetch is forgotten, so that choosing the range again retries.
 */
import type { ChartRange, RangeAnswer } from "../../party/protocol/index.ts";

const answers = new Map<string, Promise<RangeAnswer>>();

export function fetchRange(symbol: string, range: ChartRange): Promise<RangeAnswer> {
  const key = `${symbol}\u0000${range}`;
  let answer = answers.get(key);
  if (!answer) {
    answer = load(symbol, range);
    answers.set(key, answer);
    answer.catch(() => answers.delete(key));
  }
  return answer;
}

async function load(symbol: string, range: ChartRange): Promise<RangeAnswer> {
  const res = await fetch(`/parties/ticker/${encodeURIComponent(symbol)}?range=${range}`);
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok)
    throw new Error(errorMessage(body) ?? `the history could not be loaded (HTTP ${res.status})`);
  if (!isAnswer(body, symbol, range))
    throw new Error("the history came back in a form this page cannot read");
  return body;
}

function isAnswer(body: unknown, symbol: string, range: ChartRange): body is RangeAnswer {
  if (typeof body !== "object" || body === null) return false;
  const a = body as Partial<RangeAnswer>;
  return (
    a.symbol === symbol &&
    a.range === range &&
    typeof a.interval === "string" &&
    typeof a.asOf === "number" &&
    Array.isArray(a.candles) &&
    a.candles.every((c) => Array.isArray(c) && c.length === 6 && c.every(Number.isFinite))
  );
}

function errorMessage(body: unknown): string | null {
  if (typeof body !== "object" || body === null) return null;
  const error = (body as { error?: { message?: unknown } }).error;
  return typeof error?.message === "string" ? error.message : null;
}
