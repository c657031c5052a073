/**
 * A list's alerts as the list room keeps them: one storage key each, what everyone sees of them,
 * what the ticker room is sent of them, and whether a new one may be set. When they fire is the
 * ticker room's to decide (`market/alerts.ts`); the list only records that they did.
 */
import { alertLimitError, alertValueError } from "../../market/alerts.ts";
import { type AlertView, type AlertWhen, ErrorCode } from "../../protocol/index.ts";
import type { AlertFired, LinkedAlert } from "../alert-link.ts";

export const ALERT_PREFIX = "alert:";

export type StoredAlert = AlertView & { armedAt: number };

export type Refusal = { code: ErrorCode; message: string };

export function alertKey(id: string): string {
  return `${ALERT_PREFIX}${id}`;
}

/** In the order they were set. */
export function alertsInOrder(alerts: Iterable<StoredAlert>): StoredAlert[] {
  return [...alerts].sort((a, b) => a.armedAt - b.armedAt || (a.id < b.id ? -1 : 1));
}

/** What `state.alerts` shows of one: fields picked one by one, so nothing internal rides along. */
export function alertView(a: StoredAlert): AlertView {
  const view: AlertView = {
    id: a.id,
    symbol: a.symbol,
    when: a.when,
    value: a.value,
    by: a.by,
    armed: a.armed,
  };
  if (a.firedAt !== undefined) view.firedAt = a.firedAt;
  if (a.firedPrice !== undefined) view.firedPrice = a.firedPrice;
  return view;
}

/** The armed alerts on `symbol`, as the ticker room is sent them. */
export function armedOn(alerts: Iterable<StoredAlert>, symbol: string): LinkedAlert[] {
  return alertsInOrder(alerts)
    .filter((a) => a.armed && a.symbol === symbol)
    .map((a) => ({ id: a.id, when: a.when, value: a.value, armedAt: a.armedAt }));
}

/**
 * Why a new alert cannot be set, or null: its symbol must be in the list and its value a level
 * the rule can reach (`bad_message`), and the list must have room for it (`full`: at most 100
 * alerts, 20 on one symbol, fired ones included until they are removed).
 */
export function refuseAlert(
  symbols: readonly string[],
  alerts: Iterable<StoredAlert>,
  alert: { symbol: string; when: AlertWhen; value: number },
): Refusal | null {
  if (!symbols.includes(alert.symbol)) {
    return {
      code: ErrorCode.badMessage,
      message: `${alert.symbol} is not in this list: add it before setting an alert on it`,
    };
  }
  const valueError = alertValueError(alert.when, alert.value);
  if (valueError) return { code: ErrorCode.badMessage, message: `value: ${valueError}` };
  let list = 0;
  let listSymbol = 0;
  for (const a of alerts) {
    list++;
    if (a.symbol === alert.symbol) listSymbol++;
  }
  const full = alertLimitError(alert.symbol, { list, listSymbol });
  return full ? { code: ErrorCode.full, message: full } : null;
}

/** The alert once it fired: disarmed, with the firing tick's time and price. */
export function firedAlert(alert: StoredAlert, fired: AlertFired): StoredAlert {
  return { ...alert, armed: false, firedAt: fired.time, firedPrice: fired.price };
}
