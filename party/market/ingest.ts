/** Checks a push body. All or nothing: a body with one bad tick is refused whole. */
import * as v from "valibot";
import { describeIssues, IngestBodySchema, LIMITS, type Tick } from "../protocol/index.ts";

export type IngestCheck = { ok: true; ticks: Tick[] } | { ok: false; message: string };

/**
 * @param body the parsed JSON body
 * @param lastPushed time of the room's last pushed tick (simulated ticks do not count)
 * @param now the server's clock: a tick may be at most `LIMITS.pushAheadMs` ahead of it, so
 *   that one mistaken time (microseconds, say) cannot hold every later push back
 */
export function checkIngest(body: unknown, lastPushed: number | null, now: number): IngestCheck {
  const parsed = v.safeParse(IngestBodySchema, body);
  if (!parsed.success) return { ok: false, message: describeTickIssue(parsed.issues) };
  const ticks = parsed.output.ticks as Tick[];
  const latest = now + LIMITS.pushAheadMs;
  let previous = lastPushed ?? Number.NEGATIVE_INFINITY;
  for (let i = 0; i < ticks.length; i++) {
    const time = (ticks[i] as Tick)[0];
    if (time > latest) {
      return {
        ok: false,
        message: `tick ${i}: time ${time} is more than ${LIMITS.pushAheadMs / 1000} s ahead of the server's clock (${now}); times are epoch milliseconds`,
      };
    }
    if (time < previous) {
      return {
        ok: false,
        message:
          i === 0 && lastPushed !== null
            ? `tick 0: time ${time} is before the room's last pushed tick (${lastPushed})`
            : `tick ${i}: time ${time} is before the tick ahead of it (${previous}); times must not decrease`,
      };
    }
    previous = time;
  }
  return { ok: true, ticks };
}

/** "tick 3: price must be positive" rather than a schema path. */
function describeTickIssue(issues: Parameters<typeof describeIssues>[0]): string {
  const issue = issues[0];
  const path = issue?.path ?? [];
  if (issue && path.length >= 2 && path[0]?.key === "ticks") {
    return `tick ${String(path[1]?.key)}: ${issue.message}`;
  }
  return describeIssues(issues);
}
