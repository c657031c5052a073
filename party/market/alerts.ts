/**
 * Shared price alerts on one symbol: when they fire (the "Shared alerts" rules of the protocol),
 * how many there may be, and an index that evaluates a tick without visiting every alert.
 *
 * A rule compares each tick with the value just before it: `above` fires on the first tick at or
 * above its level that follows a price below it, `below` mirrors it, and `change-above` and
 * `change-below` do the same with the day's change in percent. An alert fires once and is then
 * disarmed; one that is already past its level when armed waits until the price has been back.
 *
 * The day's change is measured against the previous close, which moves at a session boundary.
 * The value before a tick is always measured against the same reference as the tick itself (the
 * last price, as the new session sees it), so the reset of the reference at a new session is
 * never a crossing by itself, while a session that opens past the threshold fires on its first
 * tick: a list that asked for "up 5% on the day" hears about a 7% gap up, and does not hear
 * about a stock that was down 3% yesterday and opens down 0.5% as if it had "risen above -1%".
 */
import type { Quote, Tick } from "../protocol/index.ts";
import type { Session } from "./quote.ts";
import { DAY_MS } from "./simulator.ts";

/** Alerts one list may hold (the protocol's `full`). */
export const ALERTS_PER_LIST = 100;
/** Alerts one list may hold on one symbol. */
export const ALERTS_PER_LIST_SYMBOL = 20;
/** Armed alerts one ticker room evaluates, across every list. */
export const ALERTS_PER_SYMBOL = 1000;
/** Largest day's change, in percent, a `change-*` alert may ask for. */
export const ALERT_MAX_CHANGE_PCT = 1000;

export type AlertWhen = "above" | "below" | "change-above" | "change-below";

export type AlertRule = { id: string; symbol: string; when: AlertWhen; value: number };

/**
 * An armed alert and the last price before the next tick: the price when it was armed, then the
 * price of each tick it has seen; `null` until it has seen one when nothing was known at arming.
 * For `change-*` the price is kept rather than its change, so that it can be measured against the
 * reference of the next tick. After a batch every state holds the batch's last price.
 */
export type ArmedAlert = { rule: AlertRule; before: number | null };

/** An alert that fired, with the tick that fired it. */
export type AlertFiring = { alertId: string; price: number; time: number };

/** The day's change in percent of `price` at `time`, against that time's previous close. */
export type ChangePctOf = (price: number, time: number) => number;

/** The result of `evaluate`: firings in tick order, and the alerts still armed. */
export type Evaluation = { fired: AlertFiring[]; armed: ArmedAlert[] };

/** Why `value` cannot be the level of a new `when` alert, or `null` when it can. */
export function alertValueError(when: AlertWhen, value: number): string | null {
  if (!Number.isFinite(value)) return "value must be a finite number";
  if (when === "above" || when === "below") {
    return value > 0 ? null : "a price level must be greater than 0";
  }
  // A price cannot fall by 100% or more, so a change at or below -100% never comes.
  if (value <= -100 || value > ALERT_MAX_CHANGE_PCT) {
    return `a day's change must be above -100% and at most ${ALERT_MAX_CHANGE_PCT}%`;
  }
  return null;
}

/** How many alerts there are before the new one; a room passes the counts it holds. */
export type AlertCounts = {
  /** Alerts in the list. */
  list?: number;
  /** Alerts in the list on this symbol. */
  listSymbol?: number;
  /** Armed alerts on this symbol, across every list. */
  symbol?: number;
};

/** Why one more alert on `symbol` does not fit, or `null` when it does. */
export function alertLimitError(symbol: string, counts: AlertCounts): string | null {
  if ((counts.list ?? 0) >= ALERTS_PER_LIST) {
    return `a list holds at most ${ALERTS_PER_LIST} alerts; remove one first`;
  }
  if ((counts.listSymbol ?? 0) >= ALERTS_PER_LIST_SYMBOL) {
    return `a list holds at most ${ALERTS_PER_LIST_SYMBOL} alerts on ${symbol}; remove one first`;
  }
  if ((counts.symbol ?? 0) >= ALERTS_PER_SYMBOL) {
    return `${symbol} already has ${ALERTS_PER_SYMBOL} armed alerts across all lists`;
  }
  return null;
}

/** Arms `rule`; `current` is the symbol's quote, or `null` when the room has none yet. */
export function armAlert(rule: AlertRule, current: Pick<Quote, "price"> | null): ArmedAlert {
  return { rule, before: current?.price ?? null };
}

const rising = (when: AlertWhen) => when === "above" || when === "change-above";
const isChange = (when: AlertWhen) => when === "change-above" || when === "change-below";

function crosses(
  rule: AlertRule,
  before: number,
  price: number,
  time: number,
  changePctOf: ChangePctOf,
): boolean {
  const change = isChange(rule.when);
  const from = change ? changePctOf(before, time) : before;
  const to = change ? changePctOf(price, time) : price;
  return rising(rule.when)
    ? from < rule.value && to >= rule.value
    : from > rule.value && to <= rule.value;
}

/**
 * Applies `ticks` (in the order the room applies them) to `armed`, visiting every alert on every
 * tick. Alerts that fire on the same tick come in the order of `armed`. `AlertIndex` gives the
 * same answer without the visit.
 */
export function evaluate(
  armed: readonly ArmedAlert[],
  ticks: readonly Tick[],
  changePctOf: ChangePctOf,
): Evaluation {
  let live: ArmedAlert[] = armed.slice();
  const fired: AlertFiring[] = [];
  for (const [time, price] of ticks) {
    const next: ArmedAlert[] = [];
    for (const a of live) {
      if (a.before !== null && crosses(a.rule, a.before, price, time, changePctOf)) {
        fired.push({ alertId: a.rule.id, price, time });
      } else {
        next.push({ rule: a.rule, before: price });
      }
    }
    live = next;
  }
  return { fired, armed: live };
}

type Entry = { rule: AlertRule; seq: number; pending: boolean; before: number | null };

/** First index whose value is at least `x` (`strict`: greater than `x`). */
function bound(entries: readonly Entry[], x: number, strict: boolean): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = (entries[mid] as Entry).rule.value;
    if (v < x || (strict && v === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function takeRange(entries: Entry[], from: number, to: number, out: Entry[]): void {
  if (to > from) out.push(...entries.splice(from, to - from));
}

/**
 * The armed alerts of one symbol, kept sorted by level. Once an alert has seen a tick its value
 * before the next tick is the symbol's last price, so the alerts a tick fires are the levels
 * between the last value and the new one: a tick costs two binary searches per kind and the
 * removal of what fired, whatever the number armed. Alerts armed since the last tick carry their
 * own value before and are checked one by one on the next tick, then join the sorted lists.
 * Alerts firing on the same tick come in the order they were armed.
 */
export class AlertIndex {
  private readonly sorted: Record<AlertWhen, Entry[]> = {
    above: [],
    below: [],
    "change-above": [],
    "change-below": [],
  };
  private pending: Entry[] = [];
  /** In arming order: a re-armed alert is deleted and added again. */
  private readonly byId = new Map<string, Entry>();
  /** The price of the last tick evaluated, the value before the next for all sorted alerts. */
  private last: number | null = null;
  private seq = 0;

  /** Starts from stored states, in the order they were armed (a repeated id: the last one). */
  constructor(armed: readonly ArmedAlert[] = []) {
    for (const a of armed) this.add(a.rule, a.before);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Arms `rule` (replacing an armed alert with its id); `current` as for `armAlert`. */
  arm(rule: AlertRule, current: Pick<Quote, "price"> | null): void {
    this.add(rule, current?.price ?? null);
  }

  /** Removes an armed alert; `false` when none has that id. */
  disarm(id: string): boolean {
    const e = this.byId.get(id);
    if (!e) return false;
    this.byId.delete(id);
    const list = e.pending ? this.pending : this.sorted[e.rule.when];
    const from = e.pending ? 0 : bound(list, e.rule.value, false);
    list.splice(list.indexOf(e, from), 1);
    return true;
  }

  /** The armed alerts in arming order, for storage or for `evaluate`. */
  armed(): ArmedAlert[] {
    return Array.from(this.byId.values(), (e) => ({
      rule: e.rule,
      before: e.pending ? e.before : this.last,
    }));
  }

  /** Applies `ticks` as `evaluate` does; fired alerts are disarmed. */
  evaluate(ticks: readonly Tick[], changePctOf: ChangePctOf): AlertFiring[] {
    const fired: AlertFiring[] = [];
    for (const [time, price] of ticks) {
      const now: Entry[] = [];
      if (this.last !== null) this.cross(this.last, price, time, changePctOf, now);
      if (this.pending.length > 0) this.settle(price, time, changePctOf, now);
      this.last = price;
      if (now.length > 1) now.sort((a, b) => a.seq - b.seq);
      for (const e of now) {
        this.byId.delete(e.rule.id);
        fired.push({ alertId: e.rule.id, price, time });
      }
    }
    return fired;
  }

  private add(rule: AlertRule, before: number | null): void {
    this.disarm(rule.id);
    const e: Entry = { rule, seq: this.seq++, pending: true, before };
    this.byId.set(rule.id, e);
    this.pending.push(e);
  }

  private cross(last: number, price: number, time: number, changePctOf: ChangePctOf, out: Entry[]) {
    const s = this.sorted;
    if (price > last)
      takeRange(s.above, bound(s.above, last, true), bound(s.above, price, true), out);
    if (price < last)
      takeRange(s.below, bound(s.below, price, false), bound(s.below, last, false), out);
    const up = s["change-above"];
    const down = s["change-below"];
    if (up.length === 0 && down.length === 0) return;
    const from = changePctOf(last, time);
    const to = changePctOf(price, time);
    if (to > from) takeRange(up, bound(up, from, true), bound(up, to, true), out);
    if (to < from) takeRange(down, bound(down, to, false), bound(down, from, false), out);
  }

  private settle(price: number, time: number, changePctOf: ChangePctOf, out: Entry[]) {
    for (const e of this.pending) {
      if (e.before !== null && crosses(e.rule, e.before, price, time, changePctOf)) {
        out.push(e);
        continue;
      }
      e.pending = false;
      e.before = null;
      const list = this.sorted[e.rule.when];
      list.splice(bound(list, e.rule.value, true), 0, e);
    }
    this.pending = [];
  }
}

const dayOf = (time: number) => Math.floor(time / DAY_MS);

/** As `toQuote` computes and rounds it. */
function changePct(price: number, prevClose: number): number {
  return prevClose > 0 ? Math.round(((price - prevClose) / prevClose) * 1e6) / 1e4 : 0;
}

/**
 * The day's change as the quote shows it while `ticks` are applied to `session` (the session
 * before them): each UTC day is measured against the last price before it, so the reference
 * moves at a midnight inside the batch. A time past the batch's last day is measured against the
 * last price, as the next session will be.
 */
export function dayChangeOf(session: Session | null, ticks: readonly Tick[]): ChangePctOf {
  const prevClose = new Map<number, number>();
  let day = Number.NEGATIVE_INFINITY;
  let last: number | undefined;
  let lastTime = Number.NEGATIVE_INFINITY;
  if (session) {
    prevClose.set(session.day, session.prevClose);
    day = session.day;
    last = session.price;
    lastTime = session.time;
  }
  for (const [time, price] of ticks) {
    const d = dayOf(time);
    if (d > day) {
      prevClose.set(d, last ?? price);
      day = d;
    } else if (time < lastTime) {
      continue;
    }
    last = price;
    lastTime = time;
  }
  return (price, time) => {
    const d = dayOf(time);
    const ref = prevClose.get(d) ?? (d > day ? last : prevClose.get(day));
    return changePct(price, ref ?? price);
  };
}
