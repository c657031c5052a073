/**
 * A list's activity as the page shows it: the last events the room keeps, merged from its
 * `activity` frame and each `event` after it, in words, with how long ago.
 */
import { type ActivityEvent, COLLAB_LIMITS } from "../../party/protocol/index.ts";
import { formatLevel, ruleText } from "./list-alerts.ts";

/** The room keeps its last 200 events, and so does the page. */
export const ACTIVITY_KEPT = COLLAB_LIMITS.activityEvents;

/** Events oldest first, each `seq` once, the last 200: what the room holds, whatever arrived twice. */
export function mergeEvents(
  held: readonly ActivityEvent[],
  incoming: readonly ActivityEvent[],
): readonly ActivityEvent[] {
  const last = held[held.length - 1];
  // The usual case: one new event after the others.
  if (
    incoming.length === 1 &&
    (last === undefined || (incoming[0] as ActivityEvent).seq > last.seq)
  ) {
    const next = [...held, incoming[0] as ActivityEvent];
    return next.length > ACTIVITY_KEPT ? next.slice(-ACTIVITY_KEPT) : next;
  }
  const bySeq = new Map<number, ActivityEvent>();
  for (const e of held) bySeq.set(e.seq, e);
  for (const e of incoming) bySeq.set(e.seq, e);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq).slice(-ACTIVITY_KEPT);
}

/** What happened, in a sentence that starts with who did it: "Ann added AAPL, MSFT". */
export function eventText(e: ActivityEvent): string {
  return e.kind === "alert-fired"
    ? `${e.by}’s alert on ${e.symbol} fired at ${formatLevel("above", e.price)}`
    : `${e.by} ${deed(e)}`;
}

function deed(e: Exclude<ActivityEvent, { kind: "alert-fired" }>): string {
  switch (e.kind) {
    case "added":
      return `added ${e.symbols.join(", ")}`;
    case "removed":
      return `removed ${e.symbol}`;
    case "moved":
      return `moved ${e.symbol} to position ${e.index + 1}`;
    case "renamed":
      return `renamed the list to “${e.name}”`;
    case "alert-set":
      return `set an alert on ${e.symbol}: ${ruleText(e.when, e.value).toLowerCase()}`;
    case "alert-removed":
      return `removed an alert on ${e.symbol}`;
    case "drawing-added":
      return `drew a ${e.drawing === "level" ? "level" : "trend line"} on ${e.symbol}`;
    case "drawing-removed":
      return `removed a drawing on ${e.symbol}`;
  }
}

/** "just now", "5 min ago", "3 h ago", "2 d ago": how long ago `at` was at `now`. */
export function relativeTime(at: number, now: number): string {
  const s = Math.max(0, Math.floor((now - at) / 1000));
  if (s < 45) return "just now";
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min ago`;
  const h = Math.round(min / 60);
  if (h < 24) return `${h} h ago`;
  return `${Math.round(h / 24)} d ago`;
}
