/**
 * The ticker room's side of shared alerts (`../alert-link.ts`): the armed sets the list rooms
 * sent for this symbol, evaluated on the ticks the room already has, and the outbox of firings
 * not yet acknowledged by their list (`./alert-outbox.ts`, which delivers them).
 *
 * Storage: `alerts:<listId>` (that list's armed set and its `seq`),
 * `outbox:<listId>:<alertId>` (a firing to deliver) and `alerts-at` (the symbol and the time
 * up to which ticks were evaluated). A firing removes the alert from its list's set and adds its outbox entry in one
 * batch, and is sent only once that batch is stored, so a crash either loses neither or keeps
 * both; the list dedupes by alert id, so a firing sent again after a crash is announced once.
 *
 * Nothing here runs, reads a clock or touches storage unless a set was applied, a batch of
 * ticks met an armed alert, or a firing awaits delivery.
 */
import { httpError, json } from "../../http.ts";
import {
  ALERTS_PER_SYMBOL,
  type AlertFiring,
  AlertIndex,
  type ArmedAlert,
  dayChangeOf,
} from "../../market/alerts.ts";
import type { Session } from "../../market/quote.ts";
import { ErrorCode, type Tick } from "../../protocol/index.ts";
import type { AlertSet, LinkedAlert } from "../alert-link.ts";
import type { RoomHost } from "../host.ts";
import {
  AlertOutbox,
  keyOf,
  OUTBOX_PREFIX,
  type OutboxEntry,
  type Outgoing,
} from "./alert-outbox.ts";
import type { Clock } from "./clock.ts";

export { OUTBOX_PREFIX, type OutboxEntry } from "./alert-outbox.ts";
export const SET_PREFIX = "alerts:";

/** An index key (`keyOf`) split at its first colon, since a list id has none. */
const listOf = (key: string) => key.slice(0, key.indexOf(":"));
const alertOf = (key: string) => key.slice(key.indexOf(":") + 1);
export const CURSOR_KEY = "alerts-at";

/** Entries one `put` takes; larger batches are issued together, so committed together. */
const PUT_BATCH = 128;
/**
 * The evaluation time is stored with every set and every firing; otherwise at most this often,
 * since walking the simulator again from an older time finds the same crossings.
 */
const CURSOR_WRITE_MS = 10 * 60_000;

/** Fired ids a list's record remembers, so that a late copy of an old set cannot re-arm one. */
const FIRED_KEPT = 40;

/** A list's armed set on this symbol, as stored. */
export type StoredSet = { seq: number; armed: LinkedAlert[]; fired?: string[] };
/** The symbol (unreadable in some alarms) and the time up to which ticks were evaluated. */
export type AlertCursor = { symbol: string; at: number };

export type AlertRoom = {
  /** The price of the symbol's last tick at or before `time`, or null when unknown. */
  priceAt(time: number): number | null;
  /** The price before the next tick to evaluate, once the room has loaded its alerts. */
  resume(cursor: number | null): number | null;
};

export class TickerAlerts {
  symbol: string | null = null;
  /** Every tick up to this time was evaluated; null before any set was applied. */
  cursor: number | null = null;
  private sets = new Map<string, StoredSet>();
  /** Keys (`keyOf`) of the alerts armed in the index. */
  private owner = new Set<string>();
  private index = new AlertIndex();
  private readonly outbox: AlertOutbox;
  private dirty = new Set<string>();
  private cursorDirty = false;
  /** The evaluation time last stored. */
  private cursorWritten = Number.NEGATIVE_INFINITY;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly host: RoomHost<unknown>,
    private readonly clock: Clock,
    /** Called when a delivery failed or a write is owed: the room sets its alarm. */
    private readonly wake: () => Promise<void>,
  ) {
    this.outbox = new AlertOutbox(host, clock, wake, this);
  }

  /** Firings sent since this instance started, for `?stats`. */
  get sent(): number {
    return this.outbox.sent;
  }

  /** Alerts armed here, across every list. */
  get size(): number {
    return this.index.size;
  }

  /** Firings stored or being stored and not yet acknowledged. */
  get pending(): number {
    return this.outbox.size;
  }

  /** Whether anything here needs the room to keep an alarm. */
  get busy(): boolean {
    return this.outbox.size > 0 || this.dirty.size > 0 || this.cursorDirty;
  }

  /** Whether anything is owed to storage (changed sets, new firings, the cursor). */
  get owesWrites(): boolean {
    return this.busyWriting();
  }

  /** When the next retry of the outbox is due; null when nothing is owed. */
  retryTime(): number | null {
    return this.outbox.retryTime();
  }

  async load(room: AlertRoom): Promise<void> {
    const storage = this.host.storage;
    const [sets, outbox, cursor] = await Promise.all([
      storage.list<StoredSet>({ prefix: SET_PREFIX }),
      storage.list<OutboxEntry>({ prefix: OUTBOX_PREFIX }),
      storage.get<AlertCursor>(CURSOR_KEY),
    ]);
    this.symbol = cursor?.symbol ?? null;
    this.cursor = cursor?.at ?? null;
    this.cursorWritten = this.cursor ?? Number.NEGATIVE_INFINITY;
    const before = room.resume(this.cursor);
    const armed: { list: string; alert: LinkedAlert }[] = [];
    for (const [key, set] of sets) {
      const list = key.slice(SET_PREFIX.length);
      this.sets.set(list, set);
      for (const alert of set.armed) armed.push({ list, alert });
    }
    armed.sort((a, b) => a.alert.armedAt - b.alert.armedAt);
    const states: ArmedAlert[] = [];
    for (const { list, alert } of armed) {
      this.owner.add(keyOf(list, alert.id));
      states.push({ rule: this.rule(list, alert), before });
    }
    this.index = new AlertIndex(states);
    for (const entry of outbox.values()) this.outbox.add(entry, true);
  }

  /**
   * A list's armed set (`POST ?alerts`), once the room has evaluated every tick up to now: the
   * new alerts count the ticks from here on, the price when each was armed counting as the one
   * before. Stored before it is acknowledged.
   */
  async apply(set: AlertSet, symbol: string, room: AlertRoom): Promise<Response> {
    const held = this.sets.get(set.list);
    if (held && set.seq <= held.seq) {
      return json({ status: "ignored", seq: held.seq, armed: this.countOf(set.list) });
    }
    const others = this.size - this.countOf(set.list);
    if (others + set.armed.length > ALERTS_PER_SYMBOL) {
      return httpError(
        409,
        ErrorCode.conflict,
        `${symbol} already has ${others} armed alerts from other lists; at most ${ALERTS_PER_SYMBOL} across all lists`,
      );
    }
    const undo = this.checkpoint();
    const fired = new Set(held?.fired ?? []);
    const list = set.list;
    const wanted = set.armed.filter((a) => !fired.has(a.id) && !this.outbox.has(list, a.id));
    const ids = new Set(wanted.map((a) => a.id));
    for (const alert of held?.armed ?? []) {
      const key = keyOf(list, alert.id);
      if (!ids.has(alert.id) && this.owner.delete(key)) this.index.disarm(key);
    }
    for (const alert of wanted) {
      // Ids it already holds keep their state.
      if (this.owner.has(keyOf(list, alert.id))) continue;
      const before = alert.before ?? room.priceAt(alert.armedAt);
      this.index.arm(this.rule(list, alert), before === null ? null : { price: before });
      this.owner.add(keyOf(list, alert.id));
    }
    this.symbol = symbol;
    this.cursor ??= this.clock.now();
    this.cursorDirty = true;
    this.sets.set(set.list, { seq: set.seq, armed: wanted, fired: [...fired] });
    this.dirty.add(set.list);
    const writes = this.takeWrites();
    try {
      await this.write(writes);
    } catch (err) {
      this.restore(undo);
      throw err;
    }
    return json({ status: "applied", seq: set.seq, armed: this.countOf(set.list) });
  }

  /**
   * Evaluates a batch of ticks the room appended (after `session`, the session before them).
   * `upTo` is the time up to which the batch holds every tick; with `onlyAfterCursor` (the
   * simulator's ticks, which a walk may already have evaluated) ticks up to the cursor are
   * skipped. Firings are disarmed in memory
   * at once; `takeWrites` (or `commit`) stores them. True when something fired.
   */
  evaluate(
    ticks: readonly Tick[],
    session: Session | null,
    upTo: number,
    onlyAfterCursor: boolean,
  ): boolean {
    if (this.index.size === 0) {
      if (this.cursor !== null && upTo > this.cursor) this.cursor = upTo;
      return false;
    }
    const from = this.cursor;
    const fresh = from === null || !onlyAfterCursor ? ticks : ticks.filter((t) => t[0] > from);
    const fired = fresh.length === 0 ? [] : this.index.evaluate(fresh, dayChangeOf(session, fresh));
    if (this.cursor === null || upTo > this.cursor) this.cursor = upTo;
    if (fired.length > 0 || this.cursor - this.cursorWritten >= CURSOR_WRITE_MS) {
      this.cursorDirty = true;
    }
    for (const firing of fired) this.record(firing);
    return fired.length > 0;
  }

  /** A copy of the in-memory state, to put back if the write carrying a batch fails. */
  checkpoint(): unknown {
    return {
      sets: new Map(this.sets),
      owner: new Set(this.owner),
      armed: this.index.armed(),
      outbox: this.outbox.checkpoint(),
      dirty: new Set(this.dirty),
      cursor: this.cursor,
      cursorDirty: this.cursorDirty,
    };
  }

  restore(undo: unknown): void {
    const u = undo as {
      sets: Map<string, StoredSet>;
      owner: Set<string>;
      armed: ArmedAlert[];
      outbox: Map<string, Outgoing>;
      dirty: Set<string>;
      cursor: number | null;
      cursorDirty: boolean;
    };
    this.sets = u.sets;
    this.owner = u.owner;
    this.index = new AlertIndex(u.armed);
    this.outbox.restore(u.outbox);
    this.dirty = u.dirty;
    this.cursor = u.cursor;
    this.cursorDirty = u.cursorDirty;
  }

  /**
   * What is owed to storage (changed sets, new firings, the cursor), as entries of one batch,
   * marked as written; `written` confirms them. Null when nothing is owed.
   */
  takeWrites(): Record<string, unknown> | null {
    if (!this.busyWriting()) return null;
    const put: Record<string, unknown> = {};
    for (const list of this.dirty) put[SET_PREFIX + list] = this.sets.get(list);
    this.outbox.putOwed(put);
    if (this.symbol !== null && this.cursor !== null) {
      put[CURSOR_KEY] = { symbol: this.symbol, at: this.cursor } satisfies AlertCursor;
    }
    this.dirty.clear();
    this.cursorDirty = false;
    return put;
  }

  /** The batch from `takeWrites` is stored (`ok`), or failed and is owed again. */
  written(put: Record<string, unknown> | null, ok: boolean): void {
    if (!put) return;
    for (const key of Object.keys(put)) {
      if (key.startsWith(SET_PREFIX)) {
        if (!ok) this.dirty.add(key.slice(SET_PREFIX.length));
      } else if (key.startsWith(OUTBOX_PREFIX)) {
        if (ok) this.outbox.markStored(key);
      } else if (key === CURSOR_KEY) {
        if (ok) this.cursorWritten = (put[key] as AlertCursor).at;
        else this.cursorDirty = true;
      }
    }
  }

  /** Stores what is owed, then sends the stored firings. Never throws. */
  async commit(): Promise<void> {
    if (this.busyWriting()) {
      const put = this.takeWrites();
      try {
        await this.write(put);
      } catch (err) {
        console.error("alerts: could not store a firing", err);
        this.outbox.failed();
        await this.wake();
        return;
      }
    }
    await this.outbox.deliver();
  }

  /** Sends every stored firing; a call during a pass asks for one more. Never throws. */
  deliver(): Promise<void> {
    return this.outbox.deliver();
  }

  /** The room's alarm: a retry that is due. */
  alarm(now: number): Promise<void> {
    return this.outbox.alarm(now);
  }

  private busyWriting(): boolean {
    if (this.dirty.size > 0 || this.cursorDirty) return true;
    return this.outbox.owesWrites();
  }

  /** Writes in the order they were asked for, each in one batch. */
  private write(put: Record<string, unknown> | null): Promise<void> {
    const run = this.writes.then(async () => {
      const entries = Object.entries(put ?? {});
      if (!put || entries.length === 0) return;
      const batches: Promise<void>[] = [];
      for (let i = 0; i < entries.length; i += PUT_BATCH) {
        batches.push(this.host.storage.put(Object.fromEntries(entries.slice(i, i + PUT_BATCH))));
      }
      try {
        await Promise.all(batches);
        this.written(put, true);
      } catch (err) {
        this.written(put, false);
        throw err;
      }
    });
    this.writes = run.catch(() => undefined);
    return run;
  }

  private record(firing: AlertFiring): void {
    const key = firing.alertId;
    if (!this.owner.delete(key) || this.symbol === null) return;
    const list = listOf(key);
    const alertId = alertOf(key);
    const set = this.sets.get(list);
    if (set) {
      const fired = [...(set.fired ?? []), alertId].slice(-FIRED_KEPT);
      this.sets.set(list, {
        seq: set.seq,
        armed: set.armed.filter((a) => a.id !== alertId),
        fired,
      });
      this.dirty.add(list);
    }
    const entry: OutboxEntry = {
      list,
      alertId,
      symbol: this.symbol,
      price: firing.price,
      time: firing.time,
    };
    this.outbox.add(entry, false);
  }

  private countOf(list: string): number {
    let n = 0;
    for (const key of this.owner) if (listOf(key) === list) n++;
    return n;
  }

  private rule(list: string, alert: LinkedAlert) {
    const { when, value } = alert;
    return { id: keyOf(list, alert.id), symbol: this.symbol ?? "", when, value };
  }
}
