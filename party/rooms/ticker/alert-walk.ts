/**
 * The ticker room's side of its alerts between ticks of its own (`alerts.ts` holds the book): an
 * armed set a list room sends (`POST ?alerts`), the walk of the simulator's ticks for a simulated
 * room whose pump is not running, the price at a past time, and the alarm the alerts need.
 * What it needs of the room it asks through `AlertWalkDeps`.
 */
import { httpError, readBodyOrRefusal } from "../../http.ts";
import type { Session } from "../../market/quote.ts";
import { DAY_MS, type Simulator } from "../../market/simulator.ts";
import { ErrorCode, type Source, type Tick } from "../../protocol/index.ts";
import { AlertSetSchema, isInternal, LINK_BODY_BYTES, parseLinkBody } from "../alert-link.ts";
import type { RoomHost } from "../host.ts";
import type { AlertRoom, TickerAlerts } from "./alerts.ts";
import type { Clock } from "./clock.ts";
import type { Serial } from "./push.ts";
import type { Room } from "./room.ts";
import { simulatorFor } from "./sources.ts";

/**
 * While alerts are armed in a simulated room nobody watches, its alarm walks the simulator's
 * ticks this often: nothing else runs there.
 */
export const ALERT_WALK_MS = 30_000;
/** A walk never goes further back than this (a room that was down for longer starts over). */
const ALERT_WALK_MAX_MS = DAY_MS;

/** What the walk needs from its room (`core.ts`). */
export interface AlertWalkDeps {
  readonly host: Pick<RoomHost, "id" | "env" | "storage">;
  readonly clock: Clock;
  readonly alerts: TickerAlerts;
  /** The room's queue of writes: an armed set waits for the pushes before it. */
  readonly queue: Serial;
  /** The room as loaded, or null where nobody has used it (its alerts may still be armed). */
  room(): Room | null;
  /** The source the symbol takes when nothing was pushed (`FEEDS`). */
  wanted(symbol: string): Source;
  watched(): boolean;
  /** Brings the loaded room's source up to now, evaluating what it made. */
  advance(): void;
  /** Sets the room's alarm (counted for `?stats`). */
  setAlarm(time: number): Promise<void>;
}

export class AlertWalk implements AlertRoom {
  /** The simulator, for walking ticks without the room; made when first needed. */
  private sim: Simulator | null = null;

  constructor(private readonly deps: AlertWalkDeps) {}

  /**
   * `POST ?alerts`, from a list room only (`alert-link.ts`): that list's armed set on this
   * symbol, applied once every tick up to now is evaluated, and stored before it is answered.
   * It creates no room: a symbol nobody watches keeps only its alerts.
   */
  async applyAlerts(req: Request): Promise<Response> {
    if (!isInternal(req)) {
      return httpError(403, ErrorCode.forbidden, "armed alert sets come from list rooms only");
    }
    const read = await readBodyOrRefusal(req, LINK_BODY_BYTES);
    if ("refusal" in read) return read.refusal;
    const body = parseLinkBody(AlertSetSchema, read.text);
    if (!body.ok) return httpError(body.status, body.code, body.message);
    const { deps } = this;
    return deps.queue.run(async () => {
      const symbol = deps.room()?.symbol ?? deps.host.id;
      const now = deps.clock.now();
      if (deps.watched() && deps.room()) deps.advance();
      else if (this.walkAlerts(now, symbol)) void deps.alerts.commit();
      const answer = await deps.alerts.apply(body.value, symbol, this);
      void deps.alerts.commit();
      await this.alertAlarm();
      return answer;
    });
  }

  /**
   * Evaluates the simulator's ticks since the last evaluation, for a simulated room whose own
   * pump is not running (nobody watches) or was not advanced tick by tick. True when something
   * fired. A room on another source has nothing to walk.
   */
  walkAlerts(now: number, symbol?: string): boolean {
    const { alerts } = this.deps;
    const sim = this.simulator(symbol);
    if (!sim) return false;
    if (alerts.size === 0 || alerts.cursor === null) {
      return alerts.evaluate([], null, now, true);
    }
    const from = Math.max(alerts.cursor, now - ALERT_WALK_MAX_MS);
    if (from >= now) return false;
    const ticks = sim.ticksBetween(from, now);
    return alerts.evaluate(ticks, simSession(sim, from), now, true);
  }

  /** The symbol's price at or before `time`: the simulator's, or the room's history. */
  priceAt(time: number): number | null {
    const sim = this.simulator();
    if (sim) return sim.lastTickAt(time)[1];
    const history = this.deps.room()?.history;
    if (!history) return null;
    const ticks = history.recentTicks();
    for (let i = ticks.length - 1; i >= 0; i--) {
      const tick = ticks[i] as Tick;
      if (tick[0] <= time) return tick[1];
    }
    return history.last?.[1] ?? null;
  }

  resume(cursor: number | null): number | null {
    const sim = this.simulator();
    if (sim) return cursor === null ? null : sim.lastTickAt(cursor)[1];
    return this.deps.room()?.history.last?.[1] ?? null;
  }

  /**
   * When the alerts need the room to wake: a due retry of the outbox, and, in a simulated room
   * nobody watches, the next walk. Null when they need nothing.
   */
  alertWakeAt(): number | null {
    const { alerts, clock } = this.deps;
    let at = alerts.retryTime();
    if (alerts.size > 0 && !this.deps.watched() && this.simulator() !== null) {
      const walk = clock.now() + ALERT_WALK_MS;
      at = at === null ? walk : Math.min(at, walk);
    }
    return at;
  }

  /** Sets the alarm the alerts need, unless an earlier one is set (`replace`: whatever is set). */
  async alertAlarm(replace = false): Promise<void> {
    const at = this.alertWakeAt();
    if (at === null) return;
    const current = replace ? null : await this.deps.host.storage.getAlarm();
    if (current === null || current > at) await this.deps.setAlarm(at);
  }

  /** The simulator of a simulated room (loaded or not); null for any other source. */
  private simulator(symbolHint?: string): Simulator | null {
    const room = this.deps.room();
    const symbol = room?.symbol ?? this.deps.alerts.symbol ?? symbolHint;
    if (symbol === undefined || symbol === null) return null;
    const source = room?.source.name ?? this.deps.wanted(symbol);
    if (source !== "sim") return null;
    this.sim ??= simulatorFor(symbol, this.deps.host.env);
    return this.sim;
  }
}

/** A copy of the session before a batch (the history moves it on as it appends). */
export function sessionCopy(session: Session | null): Session | null {
  return session && { ...session };
}

/** The session a walk of the simulator starts from: the UTC day of `from`, as `dayChangeOf` reads it. */
function simSession(sim: Simulator, from: number): Session {
  const day = Math.floor(from / DAY_MS);
  const [time, price] = sim.lastTickAt(from);
  const prevClose = sim.lastTickAt(day * DAY_MS - 1)[1];
  return { day, open: price, high: price, low: price, prevClose, volume: 0, price, time };
}
