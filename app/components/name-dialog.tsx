import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { isPlainName, NAME_LIMITS } from "../../party/protocol/index.ts";

type Props = {
  open: boolean;
  current: string | null;
  onSave(name: string): void;
  /** Escape or "Join as Guest": no name this time. */
  onCancel(): void;
};

/**
 * Asks what others should call this person, once: the answer is kept in this browser, and the
 * face in the list can change it later. A native modal dialog keeps focus inside and closes
 * on Escape.
 */
export function NameDialog({ open, current, onSave, onCancel }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [text, setText] = useState(current ?? "");
  const [tried, setTried] = useState(false);
  const hintId = useId();

  useEffect(() => {
    const el = dialog.current;
    if (!el) return;
    if (open && !el.open) {
      setText(current ?? "");
      setTried(false);
      el.showModal();
    }
    if (!open && el.open) el.close();
  }, [open, current]);

  const trimmed = text.trim().normalize("NFC");
  const problem =
    trimmed === ""
      ? "Type a name of 1 to 40 characters."
      : trimmed.length > NAME_LIMITS.display
        ? `Use at most ${NAME_LIMITS.display} characters.`
        : !isPlainName(trimmed)
          ? "Use letters, digits and marks that show as themselves: no invisible or direction-changing characters."
          : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (problem === null) onSave(trimmed);
  };

  return (
    <dialog
      ref={dialog}
      className="name-dialog"
      aria-labelledby={`${hintId}-title`}
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <form onSubmit={submit} noValidate>
        <h2 id={`${hintId}-title`}>
          {current ? "Change your name" : "What should others call you?"}
        </h2>
        <p className="name-dialog-lede">
          Everyone on this list sees your name beside what you are looking at.
        </p>
        <input
          className="name-dialog-input"
          aria-label="Your name"
          aria-invalid={tried && problem !== null ? true : undefined}
          aria-describedby={hintId}
          value={text}
          maxLength={NAME_LIMITS.display}
          autoComplete="nickname"
          onChange={(event) => setText(event.target.value)}
        />
        <p id={hintId} className={tried && problem ? "name-dialog-problem" : "name-dialog-hint"}>
          {tried && problem ? problem : "1 to 40 characters, kept in this browser."}
        </p>
        <div className="name-dialog-actions">
          <button type="button" className="button button-quiet" onClick={onCancel}>
            {current ? "Cancel" : "Join as Guest"}
          </button>
          <button type="submit" className="button button-primary">
            {current ? "Save" : "Join"}
          </button>
        </div>
      </form>
    </dialog>
  );
}
