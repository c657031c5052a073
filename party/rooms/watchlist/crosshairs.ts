/**
 * Live crosshairs: where each person's pointer is on a chart, in memory only (never stored, not
 * even in connection state). Moves are coalesced: the room keeps each person's latest position
 * and, at each frame, sends the positions that changed since the last one, one entry per person.
 * Frames leave at most every `crosshairIntervalMs(people)`: ten a second while few are here,
 * fewer as more join, so that what the list sends stays about the same however many watch.
 */
import { COLLAB_LIMITS, type Crosshair, type CrosshairAt } from "../../protocol/index.ts";

/**
 * The least time between two `crosshairs` frames with `people` on the list: 100 ms up to five
 * people, then 20 ms more per person, at most a second (from 50 on). Between 5 and 50 people the
 * list thus sends about 50 frames a second in all, whoever moves.
 */
export function crosshairIntervalMs(people: number): number {
  const {
    crosshairMinIntervalMs: min,
    crosshairMaxIntervalMs: max,
    crosshairMsPerPerson,
  } = COLLAB_LIMITS;
  return Math.min(max, Math.max(min, people * crosshairMsPerPerson));
}

export class CrosshairBoard {
  private readonly shown = new Map<string, CrosshairAt>();
  private readonly changed = new Map<string, Crosshair>();

  /** `user`'s crosshair moved (or, with null, left the chart); false when nothing changed. */
  move(user: string, at: CrosshairAt | null): boolean {
    const before = this.shown.get(user);
    if (at === null) return this.drop(user);
    if (
      before &&
      before.symbol === at.symbol &&
      before.time === at.time &&
      before.price === at.price
    ) {
      return false;
    }
    this.shown.set(user, { symbol: at.symbol, time: at.time, price: at.price });
    this.changed.set(user, { user, symbol: at.symbol, time: at.time, price: at.price });
    return true;
  }

  /** `user` is gone (or hid the crosshair); false when they showed none. */
  drop(user: string): boolean {
    if (!this.shown.delete(user)) return false;
    this.changed.set(user, { user, symbol: null });
    return true;
  }

  /** The changes since the last call, one per person, in the order they first changed. */
  take(): Crosshair[] {
    const changes = [...this.changed.values()];
    this.changed.clear();
    return changes;
  }

  /** Every crosshair shown now, for someone joining. */
  current(): Crosshair[] {
    return [...this.shown].map(([user, at]) => ({ user, ...at }));
  }

  clear(): void {
    this.shown.clear();
    this.changed.clear();
  }
}
