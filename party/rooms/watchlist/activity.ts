/**
 * A list's activity: its last `COLLAB_LIMITS.activityEvents` events, kept as a ring of storage
 * keys. Event `seq` goes to slot `seq % 200`, so recording one is a single write that replaces
 * the oldest, and no event is ever deleted one by one. The ring is rebuilt from the slots, by
 * `seq`, when the room starts.
 */
import { type ActivityEvent, COLLAB_LIMITS } from "../../protocol/index.ts";

export const ACTIVITY_PREFIX = "activity:";

/** What an event says, before the log numbers and dates it. */
export type EventBody = ActivityEvent extends infer E
  ? E extends unknown
    ? Omit<E, "seq" | "at" | "by">
    : never
  : never;

export function activityKey(seq: number): string {
  const slot = seq % COLLAB_LIMITS.activityEvents;
  return `${ACTIVITY_PREFIX}${String(slot).padStart(String(COLLAB_LIMITS.activityEvents).length, "0")}`;
}

export class ActivityLog {
  private list: ActivityEvent[] = [];

  /** Starts from the stored slots, in any order. */
  load(events: Iterable<ActivityEvent>): void {
    this.list = [...events].sort((a, b) => a.seq - b.seq).slice(-COLLAB_LIMITS.activityEvents);
  }

  /** The events kept, oldest first. */
  get events(): readonly ActivityEvent[] {
    return this.list;
  }

  /** The next event, numbered and dated, to store with the change it records; not yet kept. */
  next(by: string, at: number, body: EventBody): ActivityEvent {
    const seq = (this.list.at(-1)?.seq ?? 0) + 1;
    return { seq, at, by, ...body } as ActivityEvent;
  }

  /** Keeps an event once it is stored, forgetting the one its slot replaced. */
  add(event: ActivityEvent): void {
    this.list.push(event);
    if (this.list.length > COLLAB_LIMITS.activityEvents) this.list.shift();
  }

  clear(): void {
    this.list = [];
  }
}
