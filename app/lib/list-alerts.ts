/**
 * A list's shared alerts as the page shows them: which belong to a row, how a rule reads, what
 * an editor typed as a level (checked by the server's own rules, so the page never sends what
 * the room would refuse), and the firings this page heard, for its toasts.
 */
import { alertLimitError, alertValueError } from "../../party/market/alerts.ts";
import type { AlertView, AlertWhen, FiredMessage } from "../../party/protocol/index.ts";

/** A firing heard on this connection, with what was known of its alert when it came. */
export type Firing = {
  alertId: string;
  symbol: string;
  price: number;
  time: number;
  /** Who set it, and its rule; null when the page did not know the alert. */
  by: string | null;
  when: AlertWhen | null;
  value: number | null;
};

/** Toasts kept: the newest ones; a burst of firings does not grow the page without end. */
export const FIRINGS_KEPT = 20;

const NONE: readonly AlertView[] = [];

/** Each symbol's alerts, in the order they were set; a symbol with none maps to one shared []. */
export function alertsBySymbol(
  alerts: readonly AlertView[],
): (symbol: string) => readonly AlertView[] {
  const by = new Map<string, AlertView[]>();
  for (const a of alerts) {
    const held = by.get(a.symbol);
    if (held) held.push(a);
    else by.set(a.symbol, [a]);
  }
  return (symbol) => by.get(symbol) ?? NONE;
}

/** A row is marked while one of its alerts has fired (until an editor removes it). */
export function hasFired(alerts: readonly AlertView[]): boolean {
  return alerts.some((a) => !a.armed);
}

/** A level for reading: a price as given, a change signed and in percent. */
export function formatLevel(when: AlertWhen, value: number): string {
  const digits = { maximumFractionDigits: 8 };
  if (when === "above" || when === "below") {
    return value.toLocaleString("en-US", { minimumFractionDigits: 2, ...digits });
  }
  const text = value.toLocaleString("en-US", { signDisplay: "exceptZero", ...digits });
  return `${text.replace("-", "\u2212")}%`;
}

/** "Above 110.00", "Day's change below −2%". */
export function ruleText(when: AlertWhen, value: number): string {
  const level = formatLevel(when, value);
  switch (when) {
    case "above":
      return `Above ${level}`;
    case "below":
      return `Below ${level}`;
    case "change-above":
      return `Day's change above ${level}`;
    case "change-below":
      return `Day's change below ${level}`;
  }
}

export const isChangeRule = (when: AlertWhen) => when === "change-above" || when === "change-below";

/**
 * What an editor typed as the level of a new alert: the number, or why it cannot be set, in the
 * server's words where the server has them (a level out of range, a full list).
 */
export function readAlertLevel(
  symbol: string,
  when: AlertWhen,
  typed: string,
  alerts: readonly AlertView[],
): { value: number } | { error: string } {
  const text = typed
    .trim()
    .replace(/[\u2212\u2013]/g, "-")
    .replace(/%$/, "")
    .trim();
  const change = isChangeRule(when);
  if (text === "") return { error: change ? "Enter a day's change in percent." : "Enter a price." };
  const value = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value)) {
    return {
      error: change ? "Enter a number, such as 5 or -2.5." : "Enter a number, such as 110.5.",
    };
  }
  const invalid = alertValueError(when, value);
  if (invalid) return { error: sentence(invalid) };
  const full = alertLimitError(symbol, {
    list: alerts.length,
    listSymbol: alerts.filter((a) => a.symbol === symbol).length,
  });
  return full ? { error: sentence(full) } : { value };
}

const sentence = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;

/**
 * Keeps a firing for its toast, once: the room announces each firing once, and one heard again
 * (a repeated frame) shows no second toast.
 */
export function rememberFiring(
  firings: readonly Firing[],
  fired: FiredMessage,
  alerts: readonly AlertView[],
): readonly Firing[] {
  if (firings.some((f) => f.alertId === fired.alertId)) return firings;
  const alert = alerts.find((a) => a.id === fired.alertId);
  const firing: Firing = {
    alertId: fired.alertId,
    symbol: fired.symbol,
    price: fired.price,
    time: fired.time,
    by: alert?.by ?? null,
    when: alert?.when ?? null,
    value: alert?.value ?? null,
  };
  return [...firings, firing].slice(-FIRINGS_KEPT);
}

/** The words of a toast and of a browser notification. */
export function firingText(f: Firing): { title: string; body: string } {
  const rule =
    f.when === null || f.value === null ? "alert" : ruleText(f.when, f.value).toLowerCase();
  const price = formatLevel("above", f.price);
  return {
    title: `${f.symbol} alert fired`,
    body: `${f.symbol} ${rule}: it traded at ${price}${f.by ? `. Set by ${f.by}` : ""}.`,
  };
}
