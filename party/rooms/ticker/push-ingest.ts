/**
 * The ticker room's side of pushes (`push.ts` decides what a push does): `POST` checks a push
 * against the one before, evaluates the alerts on it, stores both and only then acknowledges it
 * and fans it out; `DELETE` starts a pushed room over on the source it would have without
 * pushes. What it needs of the room it asks through `PushDeps`.
 */
import { json } from "../../http.ts";
import type { Source } from "../../protocol/index.ts";
import type { RoomHost } from "../host.ts";
import { sessionCopy } from "./alert-walk.ts";
import type { TickerAlerts } from "./alerts.ts";
import type { Clock } from "./clock.ts";
import type { Fanout, Sender } from "./fanout.ts";
import { planPush, pushReply, readPushBody, refuseIngestAuth, type Serial } from "./push.ts";
import type { Room, RoomStart } from "./room.ts";
import type { PriceSource } from "./sources.ts";

/** What push ingest needs from its room (`core.ts`). */
export interface PushDeps {
  readonly host: Pick<RoomHost, "id" | "env">;
  readonly clock: Clock;
  readonly alerts: TickerAlerts;
  readonly fanout: Pick<Fanout<Sender>, "invalidate" | "resync" | "queue">;
  /** The room's queue of writes, shared with the armed sets of list rooms. */
  readonly queue: Serial;
  /** The room as loaded, or null where nobody has used it. */
  room(): Room | null;
  /** Puts `room` in place as it stands: a push on the same source, or the room before a failed one. */
  setRoom(room: Room | null): void;
  /** Puts `room` in place of one on another source: the old one stops and its frames go. */
  replace(room: Room): void;
  /** Whether storage holds the room; `markStored` once a push stored it. */
  stored(): boolean;
  markStored(): void;
  /** The source the symbol takes when nothing was pushed (`FEEDS`). */
  wanted(symbol: string): Source;
  source(name: Source, at: { symbol: string; cursor: number }): PriceSource;
  save(replaced: boolean, extra: Record<string, unknown> | null): Promise<void>;
  /** Starts the room over on `name`, stored (replacing what was) before anyone is told. */
  startOver(name: Source, from: RoomStart): Promise<void>;
  runWhileWatched(): void;
}

export class PushIngest {
  constructor(private readonly deps: PushDeps) {}

  /**
   * The token is checked from the headers and the body read, with its deadline, before the push
   * joins the queue: a slow or unauthorised request holds only itself. The queue checks each
   * push against the one before, stores it and fans it out.
   */
  async push(req: Request): Promise<Response> {
    const refused = refuseIngestAuth(req, this.deps.host.env);
    if (refused) return refused;
    const read = await readPushBody(req);
    if (!read.ok) return read.refusal;
    return this.deps.queue.run(() => this.applyPush(read.body));
  }

  /**
   * `DELETE`: a pushed room drops its pushed history and starts over on the source it would
   * have without pushes (the simulator, or its `FEEDS` exchange), the counter carrying on;
   * watchers get a fresh snapshot. Any other room is already on that source.
   */
  async reset(req: Request): Promise<Response> {
    const { deps } = this;
    const refused = refuseIngestAuth(req, deps.host.env);
    if (refused) return refused;
    return deps.queue.run(async () => {
      const before = deps.room();
      if (deps.stored() && before?.source.name === "push") {
        const { symbol } = before;
        try {
          await deps.startOver(deps.wanted(symbol), {
            symbol,
            seq: before.history.seq,
            lastPushed: null,
          });
        } catch (err) {
          deps.replace(before);
          throw err;
        }
        deps.fanout.resync();
        deps.runWhileWatched();
      }
      return new Response(null, { status: 204 });
    });
  }

  private async applyPush(body: unknown): Promise<Response> {
    const { deps } = this;
    const { alerts, fanout } = deps;
    const before = deps.room();
    const symbol = before?.symbol ?? deps.host.id;
    const now = deps.clock.now();
    const plan = planPush(before, body, {
      symbol,
      wanted: deps.wanted(symbol),
      pushSource: () => deps.source("push", { symbol, cursor: now }),
      now,
    });
    if (!plan.ok) return plan.refusal;
    // Alerts are evaluated on the pushed ticks before the write, and their firings stored in
    // the same batch as the ticks: acknowledged, a push has fired what it crossed.
    const undo = alerts.size > 0 ? alerts.checkpoint() : null;
    const session = plan.switching ? null : sessionCopy(before?.history.session ?? null);
    // Candles are history, not trades: only the pushed ticks cross alert levels.
    const upTo = plan.ticks.at(-1)?.[0];
    const fired = upTo !== undefined && alerts.evaluate(plan.ticks, session, upTo, false);
    if (plan.switching) deps.replace(plan.next);
    else deps.setRoom(plan.next);
    const extra = alerts.takeWrites();
    try {
      await deps.save(plan.switching, extra);
    } catch (err) {
      // Not stored, so not acknowledged.
      deps.setRoom(before);
      if (undo !== null) alerts.restore(undo);
      else alerts.written(extra, false);
      throw err;
    }
    alerts.written(extra, true);
    if (fired) void alerts.deliver();
    deps.markStored();
    // Candles change the day under the same `seq`: everyone gets the room again.
    if (plan.switching || plan.candles.length > 0) {
      fanout.invalidate();
      fanout.resync();
    } else fanout.queue(plan.ticks);
    return json(pushReply(plan));
  }
}
