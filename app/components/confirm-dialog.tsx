import { type ReactNode, useEffect, useId, useRef } from "react";

type Props = {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** Shown on the confirm button while the action runs. */
  busyLabel: string;
  busy: boolean;
  /** Why the action failed, if it did: shown in the dialog, which stays open. */
  error: string | null;
  danger?: boolean;
  onConfirm(): void;
  onCancel(): void;
};

/**
 * Asks before an action that cannot be undone. A native modal dialog: it keeps focus inside and
 * closes on Escape; it opens on "Cancel", so that Enter alone never does the harm, and gives
 * focus back to whatever opened it.
 */
export function ConfirmDialog(props: Props) {
  const { open, title, children, confirmLabel, busyLabel, busy, error, danger, onCancel } = props;
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const id = useId();

  useEffect(() => {
    const el = dialog.current;
    if (!el) return;
    if (open && !el.open) {
      opener.current =
        document.activeElement instanceof HTMLElement ? document.activeElement : null;
      el.showModal();
      cancel.current?.focus();
    }
    if (!open && el.open) {
      el.close();
      if (opener.current?.isConnected) opener.current.focus();
      opener.current = null;
    }
  }, [open]);

  useEffect(() => {
    // The confirm button was disabled while the action ran, which took focus from it.
    if (open && error !== null) cancel.current?.focus();
  }, [open, error]);

  return (
    <dialog
      ref={dialog}
      className="confirm-dialog"
      role="alertdialog"
      aria-modal="true"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onCancel();
      }}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      <div id={`${id}-body`} className="confirm-dialog-body">
        {children}
      </div>
      {error ? (
        <p className="confirm-dialog-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="confirm-dialog-actions">
        <button
          ref={cancel}
          type="button"
          className="button button-quiet"
          onClick={onCancel}
          disabled={busy}
        >
          Cancel
        </button>
        <button
          type="button"
          className={danger ? "button button-danger" : "button button-primary"}
          onClick={props.onConfirm}
          disabled={busy}
          aria-busy={busy || undefined}
        >
          {busy ? busyLabel : confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
