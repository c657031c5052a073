import { memo } from "react";
import type { AlertView } from "../../party/protocol/index.ts";
import { formatLevel, ruleText } from "../lib/list-alerts.ts";
import "./alerts.css";

/** The editor's cell that opens the dialog setting an alert on the row's symbol. */
export function SetAlertCell({ symbol, onSet }: { symbol: string; onSet(symbol: string): void }) {
  return (
    <td className="wl-col-alert">
      <button
        type="button"
        className="row-alert-add"
        aria-label={`Set an alert on ${symbol}`}
        title={`Set an alert on ${symbol}`}
        aria-haspopup="dialog"
        onClick={() => onSet(symbol)}
      >
        <svg viewBox="0 0 24 24" aria-hidden="true">
          <path d="M6 16V11a6 6 0 0 1 12 0v5l1.5 2h-15zM10 20.5a2 2 0 0 0 4 0" />
        </svg>
      </button>
    </td>
  );
}

type Props = {
  symbol: string;
  alerts: readonly AlertView[];
  /** The row's cells this line spans. */
  columns: number;
  /** Editors remove alerts; viewers see them only. */
  editable: boolean;
  onRemove(alertId: string): void;
};

/**
 * The line under a row that has alerts: each one's rule, whether it is armed or has fired, who
 * set it, and for editors a button that removes it.
 */
export const RowAlerts = memo(function RowAlerts(props: Props) {
  const { symbol, alerts, columns, editable, onRemove } = props;
  return (
    <tr className="wl-alerts-row" data-alerts-of={symbol}>
      <td colSpan={columns}>
        <ul className="row-alert-list" aria-label={`Alerts on ${symbol}`}>
          {alerts.map((a) => {
            const rule = ruleText(a.when, a.value);
            return (
              <li key={a.id} className="row-alert" data-armed={a.armed || undefined}>
                <span className="row-alert-rule">{rule}</span>
                <span className="row-alert-state">
                  {a.armed
                    ? "Armed"
                    : `Fired${a.firedPrice === undefined ? "" : ` at ${formatLevel("above", a.firedPrice)}`}`}
                </span>
                <span className="row-alert-by">by {a.by}</span>
                {editable ? (
                  <button
                    type="button"
                    className="row-alert-remove"
                    aria-label={`Remove alert ${rule.toLowerCase()} on ${symbol}, set by ${a.by}`}
                    title="Remove this alert"
                    onClick={() => onRemove(a.id)}
                  >
                    <svg viewBox="0 0 24 24" aria-hidden="true">
                      <path d="M6 6l12 12M18 6L6 18" />
                    </svg>
                  </button>
                ) : null}
              </li>
            );
          })}
        </ul>
      </td>
    </tr>
  );
});
