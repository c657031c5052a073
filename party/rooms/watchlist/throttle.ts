/**
 * At most one run per interval, never a change left unsent: the first poke after a quiet spell
 * runs at once; pokes within the interval after a run merge into one more run at its end. The
 * run reads the state it sends when it happens, so the merged run carries the latest of them.
 * The interval may be a function, read at each poke, for a pace that depends on the audience.
 */
import type { Clock } from "../ticker/clock.ts";

export class Throttle {
  private lastRun = Number.NEGATIVE_INFINITY;
  private timer: unknown = null;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number | (() => number),
    private readonly run: () => void,
  ) {}

  poke(): void {
    if (this.timer !== null) return;
    const interval = typeof this.intervalMs === "number" ? this.intervalMs : this.intervalMs();
    const wait = this.lastRun + interval - this.clock.now();
    if (wait <= 0) {
      this.fire();
      return;
    }
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.fire();
    }, wait);
  }

  /** Drops a pending run (the room has nobody left to tell). */
  cancel(): void {
    if (this.timer === null) return;
    this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private fire(): void {
    this.lastRun = this.clock.now();
    this.run();
  }
}
