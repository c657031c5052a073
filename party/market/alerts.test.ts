import { describe, expect, it } from "vitest";
import type { Tick } from "../protocol/index.ts";
import {
  ALERTS_PER_LIST,
  ALERTS_PER_LIST_SYMBOL,
  ALERTS_PER_SYMBOL,
  AlertIndex,
  type AlertRule,
  type AlertWhen,
  type ArmedAlert,
  alertLimitError,
  alertValueError,
  armAlert,
  type ChangePctOf,
  dayChangeOf,
  evaluate,
} from "./alerts.ts";
import { applyTicks, type Session, toQuote } from "./quote.ts";
import { uniform } from "./random.ts";
import { DAY_MS } from "./simulator.ts";

const DAY = Date.UTC(2026, 4, 12);
const H = 3_600_000;
const T0 = DAY + 14 * H;
const S = 1000;

const rule = (id: string, when: AlertWhen, value: number): AlertRule => ({
  id,
  symbol: "AAPL",
  when,
  value,
});
/** Ticks one second apart from T0. */
const ticksAt = (...prices: number[]): Tick[] => prices.map((p, i) => [T0 + i * S, p, 1]);
/** A day's change against a fixed previous close of 100. */
const from100: ChangePctOf = (price) => Math.round((price - 100) * 1e4) / 1e4;

/**
 * Evaluates with the plain loop and with the index, checks they agree, returns the result. The
 * index runs twice: from the states as given, and, when they share their price before, after a
 * tick at that price (which crosses nothing) has moved them into its sorted lists.
 */
function run(armed: ArmedAlert[], ticks: readonly Tick[], changePctOf: ChangePctOf = from100) {
  const plain = evaluate(armed, ticks, changePctOf);
  const cold = new AlertIndex(armed);
  expect(cold.evaluate(ticks, changePctOf)).toEqual(plain.fired);
  expect(cold.armed()).toEqual(plain.armed);
  const before = armed[0]?.before ?? null;
  const first = ticks[0];
  if (before !== null && first && armed.every((a) => a.before === before)) {
    const warm = new AlertIndex(armed);
    expect(warm.evaluate([[first[0], before, 1]], changePctOf)).toEqual([]);
    expect(warm.evaluate(ticks, changePctOf)).toEqual(plain.fired);
    expect(warm.armed()).toEqual(plain.armed);
  }
  return plain;
}

describe("price alerts", () => {
  it("fire `above` on the first tick at or above the level after a price below it", () => {
    const { fired, armed } = run(
      [armAlert(rule("a", "above", 105), { price: 100 })],
      ticksAt(101, 104, 106, 107),
    );
    expect(fired).toEqual([{ alertId: "a", price: 106, time: T0 + 2 * S }]);
    expect(armed).toEqual([]);
  });

  it("fire `below` on the first tick at or below the level after a price above it", () => {
    const { fired } = run(
      [armAlert(rule("b", "below", 95), { price: 100 })],
      ticksAt(99, 96, 94, 93),
    );
    expect(fired).toEqual([{ alertId: "b", price: 94, time: T0 + 2 * S }]);
  });

  it("do not fire when the price crosses the level the other way", () => {
    const armed = [
      armAlert(rule("up", "above", 105), { price: 110 }),
      armAlert(rule("down", "below", 95), { price: 90 }),
    ];
    expect(run(armed, ticksAt(104, 96)).fired).toEqual([]);
    // Having come through the level the other way, each now fires on the way back.
    const back = run(armed, ticksAt(104, 96, 106, 94)).fired;
    expect(back).toEqual([
      { alertId: "up", price: 106, time: T0 + 2 * S },
      { alertId: "down", price: 94, time: T0 + 3 * S },
    ]);
  });

  it("fire on a tick exactly at the level when it comes from the other side", () => {
    const armed = [
      armAlert(rule("up", "above", 105), { price: 104.99 }),
      armAlert(rule("down", "below", 95), { price: 95.01 }),
    ];
    expect(run(armed, ticksAt(105)).fired).toEqual([{ alertId: "up", price: 105, time: T0 }]);
    expect(run(armed, ticksAt(95)).fired).toEqual([{ alertId: "down", price: 95, time: T0 }]);
  });

  it("do not fire when leaving a price exactly at the level: that is not below it", () => {
    const armed = [armAlert(rule("a", "above", 105), { price: 105 })];
    expect(run(armed, ticksAt(106, 105, 107)).fired).toEqual([]);
    expect(run(armed, ticksAt(106, 104, 105)).fired).toEqual([
      { alertId: "a", price: 105, time: T0 + 2 * S },
    ]);
  });

  it("wait, when armed already past the level, until the price has been back", () => {
    const armed = [armAlert(rule("a", "above", 105), { price: 110 })];
    const { fired } = run(armed, ticksAt(108, 112, 105, 104.99, 105.5, 111));
    expect(fired).toEqual([{ alertId: "a", price: 105.5, time: T0 + 4 * S }]);
  });

  it("fire once on a gap, at the price of the first tick past the level", () => {
    const armed = [
      armAlert(rule("up", "above", 105), { price: 100 }),
      armAlert(rule("down", "below", 50), { price: 100 }),
    ];
    expect(run(armed, ticksAt(150, 160, 104, 170)).fired).toEqual([
      { alertId: "up", price: 150, time: T0 },
    ]);
    expect(run(armed, ticksAt(20, 10, 60, 5)).fired).toEqual([
      { alertId: "down", price: 20, time: T0 },
    ]);
  });

  it("fire only on the first crossing in a batch of many ticks", () => {
    const prices = Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? 104 : 106));
    const { fired, armed } = run(
      [armAlert(rule("a", "above", 105), { price: 100 })],
      ticksAt(...prices),
    );
    expect(fired).toEqual([{ alertId: "a", price: 106, time: T0 + S }]);
    expect(armed).toEqual([]);
  });

  it("are disarmed by firing: a later batch that crosses again fires nothing", () => {
    const index = new AlertIndex([armAlert(rule("a", "above", 105), { price: 100 })]);
    expect(index.evaluate(ticksAt(106), from100)).toHaveLength(1);
    expect(index.size).toBe(0);
    expect(index.evaluate(ticksAt(100, 106, 100, 106), from100)).toEqual([]);
    const first = evaluate(
      [armAlert(rule("a", "above", 105), { price: 100 })],
      ticksAt(106),
      from100,
    );
    expect(evaluate(first.armed, ticksAt(100, 106), from100).fired).toEqual([]);
  });

  it("fire together on one tick in the order they were armed", () => {
    const armed = [
      armAlert(rule("c", "above", 103), { price: 100 }),
      armAlert(rule("pct", "change-above", 4), { price: 100 }),
      armAlert(rule("a", "above", 101), { price: 100 }),
      armAlert(rule("low", "below", 90), { price: 100 }),
      armAlert(rule("b", "above", 102), { price: 100 }),
    ];
    const { fired, armed: left } = run(armed, ticksAt(110));
    expect(fired.map((f) => f.alertId)).toEqual(["c", "pct", "a", "b"]);
    expect(fired.every((f) => f.price === 110 && f.time === T0)).toBe(true);
    expect(left.map((a) => a.rule.id)).toEqual(["low"]);
  });

  it("without a quote at arming, take the first tick as the price before: it cannot fire", () => {
    const armed = [
      armAlert(rule("up", "above", 105), null),
      armAlert(rule("pct", "change-above", 5), null),
    ];
    expect(armed[0]?.before).toBeNull();
    expect(run(armed, ticksAt(110)).fired).toEqual([]);
    expect(run(armed, ticksAt(110, 104, 106)).fired).toEqual([
      { alertId: "up", price: 106, time: T0 + 2 * S },
      { alertId: "pct", price: 106, time: T0 + 2 * S },
    ]);
    expect(run(armed, ticksAt(104, 106)).fired.map((f) => f.alertId)).toEqual(["up", "pct"]);
  });
});

describe("day's change alerts", () => {
  it("compare the day's change the same way as a price", () => {
    const armed = [
      armAlert(rule("up2", "change-above", 2), { price: 100 }),
      armAlert(rule("down1.5", "change-below", -1.5), { price: 100 }),
    ];
    const { fired } = run(armed, ticksAt(101, 102, 103, 99, 98.5, 98));
    expect(fired).toEqual([
      { alertId: "up2", price: 102, time: T0 + S },
      { alertId: "down1.5", price: 98.5, time: T0 + 4 * S },
    ]);
  });

  // The day's change series of these sessions: day 1 is measured against 100 (day 0's close),
  // day 2 against day 1's last price.
  const D1 = DAY + DAY_MS;
  const D2 = DAY + 2 * DAY_MS;
  const day0 = () => applyTicks(null, [[DAY + 20 * H, 100, 1]]) as Session;

  /**
   * Arms `rules` on the quote after `setup` (day 0's close when empty), then runs `ticks` in
   * one batch against the real sessions.
   */
  function acrossSessions(rules: AlertRule[], setup: Tick[], ticks: Tick[]) {
    const session = applyTicks(day0(), setup) as Session;
    const armed = rules.map((r) => armAlert(r, toQuote(session)));
    return run(armed, ticks, dayChangeOf(session, ticks));
  }

  it("count a session that opens past the threshold as a crossing", () => {
    // Armed at noon on day 1, up 3% and so already past "up 2%"; day 1 closes up 2.5%, and day
    // 2 opens up 2.5% again, this time on day 1's close: the series goes 3, 2.5, 2.5.
    const upDay: Tick[] = [
      [D1 + 20 * H, 102.5, 1],
      [D2 + 14 * H, 105.0625, 1],
    ];
    const up = acrossSessions([rule("up2", "change-above", 2)], [[D1 + 12 * H, 103, 1]], upDay);
    expect(toQuote(applyTicks(day0(), [[D1 + 12 * H, 103, 1]]) as Session).changePct).toBe(3);
    const f = dayChangeOf(day0(), upDay);
    expect([f(102.5, D1 + 20 * H), f(105.0625, D2 + 14 * H)]).toEqual([2.5, 2.5]);
    expect(up.fired).toEqual([{ alertId: "up2", price: 105.0625, time: D2 + 14 * H }]);
    // The same downwards: -3 when armed, -2.5 at day 1's close, -2.5 at day 2's open.
    const downDay: Tick[] = [
      [D1 + 20 * H, 97.5, 1],
      [D2 + 14 * H, 95.0625, 1],
    ];
    const down = acrossSessions(
      [rule("down2", "change-below", -2)],
      [[D1 + 12 * H, 97, 1]],
      downDay,
    );
    expect(down.fired).toEqual([{ alertId: "down2", price: 95.0625, time: D2 + 14 * H }]);
  });

  it("do not count the jump of the reference alone as a crossing", () => {
    // Day 1 closes down 3%, below "back above -1%"; day 2 opens down 0.52% on day 1's close:
    // the series jumps from -3 to -0.52, but measured against one reference the price went
    // from 0% to -0.52% and never rose through -1%. It fires when day 2 itself comes back up.
    const ticks: Tick[] = [
      [D1 + 10 * H, 99, 1],
      [D1 + 20 * H, 97, 1],
      [D2 + 14 * H, 96.5, 1],
      [D2 + 15 * H, 95, 1],
      [D2 + 16 * H, 96.5, 1],
    ];
    const f = dayChangeOf(day0(), ticks);
    expect(f(97, D1 + 20 * H)).toBe(-3);
    expect(f(96.5, D2 + 14 * H)).toBe(-0.5155);
    const { fired } = acrossSessions([rule("back", "change-above", -1)], [], ticks);
    expect(fired).toEqual([{ alertId: "back", price: 96.5, time: D2 + 16 * H }]);
  });

  it("do not fire on a flat open after a day that closed just short of the threshold", () => {
    const ticks: Tick[] = [
      [D1 + 20 * H, 104.9, 1],
      [D2 + 14 * H, 105.4, 1],
      [D2 + 15 * H, 111, 1],
    ];
    const { fired } = acrossSessions([rule("up5", "change-above", 5)], [], ticks);
    expect(fired).toEqual([{ alertId: "up5", price: 111, time: D2 + 15 * H }]);
  });

  it("measure an alert armed before midnight against the new session on the first tick after", () => {
    // Armed on day 1's close (up 3%, past "up 2%"); the next tick is day 2's gap up 2.5%.
    let session = day0();
    const day1: Tick[] = [[D1 + 20 * H, 103, 1]];
    session = applyTicks(session, day1) as Session;
    const index = new AlertIndex();
    index.arm(rule("up2", "change-above", 2), toQuote(session));
    const day2: Tick[] = [[D2 + 14 * H, 105.575, 1]];
    expect(index.evaluate(day2, dayChangeOf(session, day2))).toEqual([
      { alertId: "up2", price: 105.575, time: D2 + 14 * H },
    ]);
  });

  it("dayChangeOf gives the quote's change after every tick, across sessions and late ticks", () => {
    const ticks: Tick[] = [
      [D1 + 9 * H, 101.3, 1],
      [D1 + 12 * H, 99.7, 1],
      [D1 + 11 * H, 120, 1],
      [D1 + 23 * H, 102.25, 1],
      [D2 + 1 * H, 104, 1],
      [D2 + 2 * H, 97.1, 1],
      [D2 + DAY_MS + H, 95, 1],
    ];
    for (const start of [null, day0()]) {
      const f = dayChangeOf(start && structuredClone(start), ticks);
      for (let i = 1; i <= ticks.length; i++) {
        const q = toQuote(
          applyTicks(start && structuredClone(start), ticks.slice(0, i)) as Session,
        );
        expect(f(q.price, q.time), `after tick ${i}`).toBe(q.changePct);
      }
    }
  });
});

describe("limits and values", () => {
  it("allows 100 alerts per list (the protocol), 20 per list and symbol, 1000 per symbol", () => {
    expect(ALERTS_PER_LIST).toBe(100);
    expect(ALERTS_PER_LIST_SYMBOL).toBe(20);
    expect(ALERTS_PER_SYMBOL).toBe(1000);
  });

  it("refuses a value that is not a finite number", () => {
    for (const when of ["above", "below", "change-above", "change-below"] as const) {
      for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        expect(alertValueError(when, v)).toBe("value must be a finite number");
      }
    }
  });

  it("refuses a price level at or below 0", () => {
    expect(alertValueError("above", 0)).toBe("a price level must be greater than 0");
    expect(alertValueError("below", -5)).toBe("a price level must be greater than 0");
    expect(alertValueError("below", 0.0001)).toBeNull();
    expect(alertValueError("above", 64_000)).toBeNull();
  });

  it("refuses a day's change a price cannot reach or beyond 1000%", () => {
    const message = "a day's change must be above -100% and at most 1000%";
    expect(alertValueError("change-above", 1000.01)).toBe(message);
    expect(alertValueError("change-below", -100)).toBe(message);
    expect(alertValueError("change-above", 1000)).toBeNull();
    expect(alertValueError("change-below", -99.5)).toBeNull();
    expect(alertValueError("change-above", -2)).toBeNull();
    expect(alertValueError("change-below", 0)).toBeNull();
  });

  it("refuses one alert more than a list, a list's symbol or a symbol holds", () => {
    expect(alertLimitError("AAPL", { list: 99, listSymbol: 19, symbol: 999 })).toBeNull();
    expect(alertLimitError("AAPL", { list: 100 })).toBe(
      "a list holds at most 100 alerts; remove one first",
    );
    expect(alertLimitError("AAPL", { list: 40, listSymbol: 20 })).toBe(
      "a list holds at most 20 alerts on AAPL; remove one first",
    );
    expect(alertLimitError("AAPL", { symbol: 1000 })).toBe(
      "AAPL already has 1000 armed alerts across all lists",
    );
  });
});

describe("AlertIndex", () => {
  it("disarms by id and re-arms an id with its new rule", () => {
    const index = new AlertIndex();
    index.arm(rule("a", "above", 105), { price: 100 });
    index.arm(rule("b", "below", 95), { price: 100 });
    expect(index.disarm("b")).toBe(true);
    expect(index.disarm("b")).toBe(false);
    expect(index.evaluate(ticksAt(101), from100)).toEqual([]);
    index.arm(rule("a", "above", 110), { price: 101 });
    expect(index.size).toBe(1);
    expect(index.evaluate(ticksAt(106, 94, 111), from100)).toEqual([
      { alertId: "a", price: 111, time: T0 + 2 * S },
    ]);
  });

  it("takes an alert armed after ticks with the quote's price as the one before", () => {
    const index = new AlertIndex();
    index.evaluate(ticksAt(100), from100);
    // The quote says 110 although the last tick the index saw was 100.
    index.arm(rule("stale", "above", 105), { price: 110 });
    index.arm(rule("fresh", "above", 105), { price: 100 });
    expect(index.armed().map((a) => a.before)).toEqual([110, 100]);
    expect(index.evaluate(ticksAt(106), from100).map((f) => f.alertId)).toEqual(["fresh"]);
  });

  it("rebuilds from its stored states and goes on as if it had never stopped", () => {
    const armed = [
      armAlert(rule("a", "above", 105), { price: 100 }),
      armAlert(rule("b", "change-below", -3), null),
      armAlert(rule("c", "below", 90), { price: 100 }),
    ];
    const running = new AlertIndex(armed);
    running.evaluate(ticksAt(104, 99), from100);
    const restarted = new AlertIndex(running.armed());
    const next = ticksAt(106, 96, 89);
    const fired = running.evaluate(next, from100);
    expect(restarted.evaluate(next, from100)).toEqual(fired);
    expect(fired.map((f) => f.alertId)).toEqual(["a", "b", "c"]);
  });

  it("evaluates a tick without computing the change once per alert", () => {
    const index = new AlertIndex();
    for (let i = 0; i < 1000; i++) {
      const when = (["above", "below", "change-above", "change-below"] as const)[
        i % 4
      ] as AlertWhen;
      const value = when.startsWith("change") ? 50 + i : 1000 + i;
      index.arm(rule(`a${i}`, when, value), { price: 100 });
    }
    let calls = 0;
    const counted: ChangePctOf = (price, time) => {
      calls++;
      return from100(price, time);
    };
    index.evaluate(ticksAt(100), counted);
    calls = 0;
    const prices = Array.from({ length: 1000 }, (_, i) => 100 + (i % 7));
    expect(index.evaluate(ticksAt(...prices), counted)).toEqual([]);
    expect(calls).toBeLessThanOrEqual(2 * prices.length);
    expect(index.size).toBe(1000);
  });

  it("agrees with evaluating every alert on random series (seeded)", () => {
    const kinds = ["above", "below", "change-above", "change-below"] as const;
    const firedByKind: Record<AlertWhen, number> = {
      above: 0,
      below: 0,
      "change-above": 0,
      "change-below": 0,
    };
    for (let seed = 1; seed <= 40; seed++) {
      let n = 0;
      const u = () => uniform(seed, 7, n++);
      const index = new AlertIndex();
      let plain: ArmedAlert[] = [];
      let session: Session | null = null;
      let price = 100;
      let time = DAY + 9 * H;
      let ids = 0;
      for (let batch = 0; batch < 60; batch++) {
        const ops = Math.floor(u() * 6);
        for (let k = 0; k < ops; k++) {
          if (u() < 0.2 && plain.length > 0) {
            const id = plain[Math.floor(u() * plain.length)]?.rule.id as string;
            expect(index.disarm(id), `seed ${seed}`).toBe(true);
            plain = plain.filter((a) => a.rule.id !== id);
            continue;
          }
          const when = kinds[Math.floor(u() * 4)] as AlertWhen;
          // Levels on a half-unit grid, like the prices, so that ticks land exactly on them.
          const value = when.startsWith("change")
            ? Math.round((u() * 10 - 5) * 2) / 2
            : Math.max(0.5, Math.round((price + u() * 16 - 8) * 2) / 2);
          const r = rule(
            u() < 0.1 && plain.length > 0 ? (plain[0]?.rule.id as string) : `r${ids++}`,
            when,
            value,
          );
          const roll = u();
          const current =
            session === null || roll < 0.1 ? null : { price: roll < 0.2 ? price + 3 : price };
          index.arm(r, current);
          plain = [...plain.filter((a) => a.rule.id !== r.id), armAlert(r, current)];
        }
        const ticks: Tick[] = [];
        const count = 1 + Math.floor(u() * 20);
        for (let k = 0; k < count; k++) {
          time += 1000 + Math.floor(u() * 1800) * 1000;
          price = Math.max(0.5, price + Math.round((u() - 0.5) * 8) / 2);
          ticks.push([time, price, 1]);
        }
        const changePctOf = dayChangeOf(session, ticks);
        const expected = evaluate(plain, ticks, changePctOf);
        expect(index.evaluate(ticks, changePctOf), `seed ${seed}, batch ${batch}`).toEqual(
          expected.fired,
        );
        expect(index.armed(), `seed ${seed}, batch ${batch}`).toEqual(expected.armed);
        for (const f of expected.fired) {
          const when = plain.find((a) => a.rule.id === f.alertId)?.rule.when as AlertWhen;
          firedByKind[when]++;
        }
        plain = expected.armed;
        session = applyTicks(session, ticks);
      }
    }
    // The series must exercise every kind, or agreeing would prove nothing.
    for (const kind of kinds) expect(firedByKind[kind], kind).toBeGreaterThan(50);
  });
});
