/**
 * The list room's side of the alert link (`../alert-link.ts`): which symbols' armed sets the
 * ticker rooms have not acknowledged yet, and sending them. A change to a symbol's armed set
 * marks the symbol in the same write as the change itself, so a set can never be lost between
 * the change and its delivery; the mark is cleared, in a write of its own, only once the ticker
 * room has taken the set. A set that could not be delivered is retried by the room's alarm,
 * which is set only then: a list with nothing to deliver never has one.
 */
import {
  alertSetRequest,
  type Delivery,
  deliveryOf,
  LINK_RETRY,
  type LinkedAlert,
  retryDelayMs,
} from "../alert-link.ts";
import type { RoomHost } from "../host.ts";
import type { Clock } from "../ticker/clock.ts";

/** The one storage key of the link: small, whatever the number of alerts. */
export const LINK_KEY = "alert-link";

/**
 * `pending` maps each symbol whose set is not yet delivered to the `seq` of its latest change;
 * `seq` is the last number given, kept so that numbers keep growing across restarts.
 */
export type LinkRecord = { seq: number; pending: Record<string, number> };

export const NO_LINKS: LinkRecord = { seq: 0, pending: {} };

/** The record with `symbols` marked for delivery, each under a new number. */
export function marked(record: LinkRecord, symbols: Iterable<string>): LinkRecord {
  let seq = record.seq;
  const pending = { ...record.pending };
  for (const symbol of new Set(symbols)) pending[symbol] = ++seq;
  return { seq, pending };
}

export type OutboxDeps = {
  host: RoomHost<unknown>;
  clock: Clock;
  /** The list's id, from storage (a room cannot read its own id in every hook). */
  listId(): string | null;
  /** The armed alerts on `symbol` now. */
  armedOn(symbol: string): LinkedAlert[];
  /** Runs a write after the room's other changes, so that each builds on the last. */
  exclusive<T>(change: () => Promise<T>): Promise<T>;
};

export class AlertOutbox {
  private record: LinkRecord = NO_LINKS;
  /** Failed passes in a row, for the backoff; forgotten on restart, which retries soon. */
  private failures = 0;
  private running: Promise<void> | null = null;
  private again = false;
  /** An alarm this instance set for a retry and has not seen fire. */
  private alarmSet = false;

  constructor(private readonly deps: OutboxDeps) {}

  /** The record as stored, to build the next one on inside a change. */
  get current(): LinkRecord {
    return this.record;
  }

  /** Takes a record once it is stored (or loaded). */
  adopt(record: LinkRecord): void {
    this.record = record;
  }

  get pending(): string[] {
    return Object.keys(this.record.pending);
  }

  /** The retry alarm fired: the runtime cleared it. */
  alarmFired(): void {
    this.alarmSet = false;
  }

  /**
   * Sends every pending set. A call during a pass asks for one more pass, for changes made
   * meanwhile; resolves when the passes are done. Never throws.
   */
  flush(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    if (this.pending.length === 0) return Promise.resolve();
    this.running = this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(): Promise<void> {
    let failed = false;
    do {
      this.again = false;
      const sent = await Promise.all(
        Object.entries(this.record.pending).map(([symbol, seq]) => this.deliver(symbol, seq)),
      );
      failed = sent.includes(false);
    } while (this.again);
    await this.schedule(failed);
  }

  /** One symbol's set; true when nothing about it is left to retry. */
  private async deliver(symbol: string, seq: number): Promise<boolean> {
    const outcome = await this.send(symbol, seq);
    if (outcome === "retry") return false;
    return this.deps.exclusive(async () => {
      // Changed since: the newer set is sent by the pass that change asked for.
      if (this.record.pending[symbol] !== seq) return true;
      const { [symbol]: _delivered, ...rest } = this.record.pending;
      const next: LinkRecord = { seq: this.record.seq, pending: rest };
      try {
        await this.deps.host.storage.put(LINK_KEY, next);
      } catch (err) {
        console.error("alert link: could not record a delivery", err);
        return false;
      }
      this.record = next;
      return true;
    });
  }

  private async send(symbol: string, seq: number): Promise<Delivery> {
    const list = this.deps.listId();
    const stub = this.deps.host.room?.("ticker", symbol);
    if (list === null || !stub) return "retry";
    const request = alertSetRequest(symbol, { list, seq, armed: this.deps.armedOn(symbol) });
    try {
      const res = await this.timed(stub.fetch(request));
      await res.arrayBuffer().catch(() => undefined);
      const outcome = deliveryOf(res.status);
      if (outcome === "refused") {
        console.error(`alert link: ${symbol} refused the armed set with ${res.status}`);
      }
      return outcome;
    } catch {
      return "retry";
    }
  }

  private timed<T>(work: Promise<T>): Promise<T> {
    const { clock } = this.deps;
    return new Promise<T>((resolve, reject) => {
      const timer = clock.setTimeout(
        () => reject(new Error("no answer in time")),
        LINK_RETRY.timeoutMs,
      );
      work.then(
        (value) => {
          clock.clearTimeout(timer);
          resolve(value);
        },
        (err: unknown) => {
          clock.clearTimeout(timer);
          reject(err);
        },
      );
    });
  }

  /** An alarm for the next attempt after a failure; none (and the one set cleared) otherwise. */
  private async schedule(failed: boolean): Promise<void> {
    const { storage } = this.deps.host;
    try {
      if (failed) {
        this.failures++;
        await storage.setAlarm(this.deps.clock.now() + retryDelayMs(this.failures));
        this.alarmSet = true;
      } else {
        this.failures = 0;
        if (this.alarmSet) {
          this.alarmSet = false;
          await storage.deleteAlarm();
        }
      }
    } catch (err) {
      console.error("alert link: could not schedule a retry", err);
    }
  }
}
