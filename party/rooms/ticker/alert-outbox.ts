/**
 * The ticker room's outbox of alert firings (`./alerts.ts`): each firing waits here until its
 * list answers for good, and is sent only once it is stored. The entries are stored with the
 * rest of the alerts' batch (`TickerAlerts.takeWrites`); this module marks them stored, sends
 * them, drops the delivered ones and keeps the backoff of failed passes.
 */
import { type AlertFired, firedRequest, LINK_RETRY, retryDelayMs } from "../alert-link.ts";
import type { RoomHost } from "../host.ts";
import type { Clock } from "./clock.ts";

export const OUTBOX_PREFIX = "outbox:";

/**
 * Alert ids are the list's: the index and the outbox key each alert by list and id
 * (`<listId>:<alertId>`; a list id has no colon).
 */
export const keyOf = (list: string, alertId: string) => `${list}:${alertId}`;
const outboxKey = (entry: OutboxEntry) => OUTBOX_PREFIX + keyOf(entry.list, entry.alertId);

/** A firing waiting for its list's answer. */
export type OutboxEntry = AlertFired & { list: string };

export type Outgoing = { entry: OutboxEntry; stored: boolean };

/** What the outbox asks of the alerts that own it. */
export type OutboxOwner = {
  /** Whether anything needs the room to keep an alarm (owed writes count too). */
  readonly busy: boolean;
  /** Stores what is owed, then delivers. Never throws. */
  commit(): Promise<void>;
};

export class AlertOutbox {
  /** Firings sent since this instance started, for `?stats`. */
  sent = 0;
  private entries = new Map<string, Outgoing>();
  private failures = 0;
  private retryAt: number | null = null;
  private sending: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly host: RoomHost<unknown>,
    private readonly clock: Clock,
    /** Called when a delivery failed: the room sets its alarm. */
    private readonly wake: () => Promise<void>,
    private readonly owner: OutboxOwner,
  ) {}

  /** Firings stored or being stored and not yet acknowledged. */
  get size(): number {
    return this.entries.size;
  }

  has(list: string, alertId: string): boolean {
    return this.entries.has(keyOf(list, alertId));
  }

  /** A firing, already `stored` (loaded) or still owed to storage. */
  add(entry: OutboxEntry, stored: boolean): void {
    this.entries.set(keyOf(entry.list, entry.alertId), { entry, stored });
  }

  /** Whether a firing is still owed to storage. */
  owesWrites(): boolean {
    for (const o of this.entries.values()) if (!o.stored) return true;
    return false;
  }

  /** Adds the firings owed to storage to a batch. */
  putOwed(put: Record<string, unknown>): void {
    for (const { entry, stored } of this.entries.values()) {
      if (!stored) put[outboxKey(entry)] = entry;
    }
  }

  /** The firing under a storage key of a batch is stored. */
  markStored(key: string): void {
    const out = this.entries.get(key.slice(OUTBOX_PREFIX.length));
    if (out) out.stored = true;
  }

  checkpoint(): Map<string, Outgoing> {
    return new Map(this.entries);
  }

  restore(entries: Map<string, Outgoing>): void {
    this.entries = entries;
  }

  /** When the next retry of the outbox is due; null when nothing is owed. */
  retryTime(): number | null {
    if (!this.owner.busy) return null;
    if (this.retryAt !== null) return this.retryAt;
    // A pass under way answers or times out by then.
    return this.clock.now() + (this.sending ? LINK_RETRY.timeoutMs : 0);
  }

  /** Sends every stored firing; a call during a pass asks for one more. Never throws. */
  deliver(): Promise<void> {
    if (this.sending) {
      this.again = true;
      return this.sending;
    }
    if (![...this.entries.values()].some((o) => o.stored)) return Promise.resolve();
    this.sending = this.run().finally(() => {
      this.sending = null;
    });
    return this.sending;
  }

  /** The room's alarm: a retry that is due. */
  async alarm(now: number): Promise<void> {
    if (!this.owner.busy) return;
    if (this.retryAt !== null && this.retryAt > now) return;
    this.retryAt = null;
    await this.owner.commit();
  }

  /** A pass or a write failed: the next retry backs off. */
  failed(): void {
    this.failures++;
    this.retryAt = this.clock.now() + retryDelayMs(this.failures);
  }

  private async run(): Promise<void> {
    let failed = false;
    do {
      this.again = false;
      const due = [...this.entries.values()].filter((o) => o.stored).map((o) => o.entry);
      const results = await Promise.all(due.map((entry) => this.send(entry)));
      const done = due.filter((_, i) => results[i]).map(outboxKey);
      failed = results.includes(false);
      if (done.length > 0) {
        try {
          await this.host.storage.delete(done);
          for (const key of done) this.entries.delete(key.slice(OUTBOX_PREFIX.length));
        } catch (err) {
          console.error("alerts: could not drop delivered firings", err);
          failed = true;
        }
      }
    } while (this.again && !failed);
    if (failed) {
      this.failed();
      await this.wake();
    } else {
      this.failures = 0;
      this.retryAt = null;
    }
  }

  /** One firing; true when the list answered for good (any 2xx or 4xx). */
  private async send(entry: OutboxEntry): Promise<boolean> {
    const stub = this.host.room?.("watchlist", entry.list);
    if (!stub) return false;
    const { list, ...fired } = entry;
    try {
      const res = await this.timed(stub.fetch(firedRequest(list, fired)));
      await res.arrayBuffer().catch(() => undefined);
      const final = res.status >= 200 && res.status < 500;
      if (final) this.sent++;
      if (final && res.status >= 400) {
        console.error(`alerts: list ${list} refused firing ${entry.alertId} with ${res.status}`);
      }
      return final;
    } catch {
      return false;
    }
  }

  private timed<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = this.clock.setTimeout(
        () => reject(new Error("no answer in time")),
        LINK_RETRY.timeoutMs,
      );
      work.then(
        (value) => {
          this.clock.clearTimeout(timer);
          resolve(value);
        },
        (err: unknown) => {
          this.clock.clearTimeout(timer);
          reject(err);
        },
      );
    });
  }
}
