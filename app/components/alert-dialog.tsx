import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { ALERT_WHENS, type AlertView, type AlertWhen } from "../../party/protocol/index.ts";
import { isChangeRule, readAlertLevel } from "../lib/list-alerts.ts";
import "./alerts.css";

type Props = {
  symbol: string;
  /** Every alert of the list: the limits count them all. */
  alerts: readonly AlertView[];
  /** Sends the alert; false when it could not go (not connected). */
  onSet(when: AlertWhen, value: number): boolean;
  onClose(): void;
};

const RULES: Record<AlertWhen, string> = {
  above: "Price rises to or above",
  below: "Price falls to or below",
  "change-above": "Day's change rises to or above",
  "change-below": "Day's change falls to or below",
};

/**
 * Sets a shared alert on one symbol. A native modal dialog, mounted while open: it keeps focus
 * inside, closes on Escape, and gives focus back to the button that opened it. The level is
 * checked as the server checks it, and a problem is said beside the field.
 */
export default function AlertDialog({ symbol, alerts, onSet, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const id = useId();
  const [when, setWhen] = useState<AlertWhen>("above");
  const [typed, setTyped] = useState("");
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    const el = dialog.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (el && !el.open) el.showModal();
    input.current?.focus();
    return () => {
      if (el?.open) el.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const read = readAlertLevel(symbol, when, typed, alerts);
    if ("error" in read) {
      setProblem(read.error);
      input.current?.focus();
      return;
    }
    if (!onSet(when, read.value)) {
      setProblem("Not connected right now: try again once the list shows Live.");
      return;
    }
    onClose();
  };

  const change = isChangeRule(when);
  return (
    <dialog
      ref={dialog}
      className="confirm-dialog alert-dialog"
      aria-labelledby={`${id}-title`}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <form onSubmit={submit} noValidate>
        <h2 id={`${id}-title`}>Set an alert on {symbol}</h2>
        <p className="confirm-dialog-body">
          Everyone on this list is told when it fires, once. It fires on the first trade that
          crosses the level.
        </p>
        <fieldset className="alert-dialog-rules">
          <legend>When</legend>
          {ALERT_WHENS.map((w) => (
            <label key={w} className="alert-dialog-rule">
              <input
                type="radio"
                name={`${id}-when`}
                value={w}
                checked={when === w}
                onChange={() => {
                  setWhen(w);
                  setProblem(null);
                }}
              />
              {RULES[w]}
            </label>
          ))}
        </fieldset>
        <label className="alert-dialog-label" htmlFor={`${id}-value`}>
          {change ? "Day's change, in percent" : "Price"}
        </label>
        <input
          ref={input}
          id={`${id}-value`}
          className="name-dialog-input alert-dialog-input"
          inputMode="decimal"
          autoComplete="off"
          value={typed}
          aria-invalid={problem !== null || undefined}
          aria-describedby={`${id}-hint${problem ? ` ${id}-problem` : ""}`}
          onChange={(event) => {
            setTyped(event.target.value);
            setProblem(null);
          }}
        />
        <p id={`${id}-hint`} className="name-dialog-hint">
          {change
            ? "Above −100 and at most 1000, such as 5 or −2.5."
            : "Greater than 0, such as 110.50."}
        </p>
        {problem ? (
          <p id={`${id}-problem`} className="name-dialog-problem" role="alert">
            {problem}
          </p>
        ) : null}
        <div className="confirm-dialog-actions">
          <button type="button" className="button button-quiet" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary">
            Set alert
          </button>
        </div>
      </form>
    </dialog>
  );
}
