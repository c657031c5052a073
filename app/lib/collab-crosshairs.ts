/**
 * Other people's crosshairs on a list's charts, and the pace this person's own leave at. Pure
 * apart from the clock the sender is given: the watchlist state applies the frames, the chart
 * draws what `crosshairsOn` returns.
 */
import {
  COLLAB_LIMITS,
  type Crosshair,
  type CrosshairAt,
  type PresenceUser,
} from "../../party/protocol/index.ts";
import type { Clock } from "./frame-pacer.ts";

/** Person id → where their pointer is. Never stored; gone with the connection. */
export type CrosshairsState = ReadonlyMap<string, CrosshairAt>;

export const noCrosshairs: CrosshairsState = new Map();

/** A `crosshairs` frame: each entry moves one person's crosshair, or (symbol null) hides it. */
export function applyCrosshairs(
  state: CrosshairsState,
  entries: readonly Crosshair[],
): CrosshairsState {
  if (entries.length === 0) return state;
  const next = new Map(state);
  for (const c of entries) {
    if (c.symbol === null) next.delete(c.user);
    else next.set(c.user, { symbol: c.symbol, time: c.time, price: c.price });
  }
  return next;
}

/** Whoever is no longer here shows no crosshair (the room says so too; this says it at once). */
export function keepPresent(
  state: CrosshairsState,
  users: readonly PresenceUser[],
  count: number,
): CrosshairsState {
  // A list of more people than presence names cannot tell who left.
  if (users.length < count) return state;
  const here = new Set(users.map((u) => u.id));
  const gone = [...state.keys()].filter((id) => !here.has(id));
  if (gone.length === 0) return state;
  const next = new Map(state);
  for (const id of gone) next.delete(id);
  return next;
}

export type ShownCrosshair = {
  user: string;
  name: string;
  color: string;
  time: number;
  price: number;
};

/** The crosshairs to draw on `symbol`'s chart: everyone's but this person's own, named. */
export function crosshairsOn(
  state: CrosshairsState,
  symbol: string,
  users: readonly PresenceUser[],
  you: string | null,
): ShownCrosshair[] {
  const shown: ShownCrosshair[] = [];
  for (const [user, at] of state) {
    if (user === you || at.symbol !== symbol) continue;
    const person = users.find((u) => u.id === user);
    shown.push({
      user,
      name: person?.name ?? "Someone",
      color: person?.color ?? "#888888",
      time: at.time,
      price: at.price,
    });
  }
  return shown.sort((a, b) => a.name.localeCompare(b.name) || a.user.localeCompare(b.user));
}

/**
 * This person's own crosshair, coalesced: the first move after a quiet spell leaves at once,
 * later ones at most every `crosshairMinIntervalMs` (ten a second), each the latest position.
 * Leaving the chart is sent once, after the last move, and only when a move was sent.
 */
export class CrosshairSender {
  private waiting: CrosshairAt | null | undefined = undefined;
  /** What the room was last told: undefined before anything, null once it left the chart. */
  private told: CrosshairAt | null | undefined = undefined;
  private sentAt = Number.NEGATIVE_INFINITY;
  private timer: unknown = null;

  constructor(
    private readonly send: (at: CrosshairAt | null) => void,
    private readonly clock: Clock,
    private readonly intervalMs: number = COLLAB_LIMITS.crosshairMinIntervalMs,
  ) {}

  move(at: CrosshairAt): void {
    this.waiting = at;
    this.flush();
  }

  leave(): void {
    this.waiting = null;
    this.flush();
  }

  /** The connection is gone: the room forgot this crosshair with it. */
  reset(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.waiting = undefined;
    this.told = undefined;
  }

  private flush(): void {
    if (this.timer !== null || this.waiting === undefined) return;
    const wait = this.sentAt + this.intervalMs - this.clock.now();
    if (wait > 0) {
      this.timer = this.clock.setTimeout(() => {
        this.timer = null;
        this.flush();
      }, wait);
      return;
    }
    const at = this.waiting;
    this.waiting = undefined;
    if (at === null && (this.told === null || this.told === undefined)) return;
    this.told = at;
    this.sentAt = this.clock.now();
    this.send(at);
  }
}
