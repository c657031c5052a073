import { type FormEvent, useEffect, useRef, useState } from "react";
import { NAME_LIMITS } from "../../party/protocol/index.ts";

type Props = { name: string; editable: boolean; onRename(name: string): void };

/**
 * The list's name as its page heading. Editors rename it in place: click it (or its button),
 * Enter or leaving the field saves, Escape puts the old name back.
 */
export function ListTitle({ name, editable, onRename }: Props) {
  const [draft, setDraft] = useState<string | null>(null);
  // Set once the field has saved or cancelled: its removal may still fire a blur.
  const closed = useRef(false);
  // Enter and Escape give focus back to the heading; a click elsewhere keeps it there.
  const refocus = useRef(false);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (draft !== null || !refocus.current) return;
    refocus.current = false;
    button.current?.focus();
  }, [draft]);
  const open = () => {
    closed.current = false;
    setDraft(name);
  };

  if (!editable || draft === null) {
    return (
      <h1 id="wl-title" className="wl-title">
        {editable ? (
          <button
            ref={button}
            type="button"
            className="wl-title-button"
            title="Rename this list"
            onClick={open}
          >
            {name}
            <svg className="wl-title-pen" viewBox="0 0 24 24" aria-hidden="true">
              <path d="M4 20h4L19 9l-4-4L4 16v4zM14 6l4 4" />
            </svg>
          </button>
        ) : (
          name
        )}
      </h1>
    );
  }

  const trimmed = draft.trim();
  const save = (event?: FormEvent) => {
    event?.preventDefault();
    if (event) refocus.current = true;
    if (closed.current) return;
    closed.current = true;
    if (trimmed !== "" && trimmed !== name) onRename(trimmed);
    setDraft(null);
  };
  return (
    <form className="wl-title-form" onSubmit={save}>
      <h1 id="wl-title" className="visually-hidden">
        {name}
      </h1>
      <input
        className="wl-title-input"
        aria-label="List name"
        value={draft}
        maxLength={NAME_LIMITS.list}
        // biome-ignore lint/a11y/noAutofocus: the field appears because the person asked to rename
        autoFocus
        onFocus={(event) => event.currentTarget.select()}
        onChange={(event) => setDraft(event.target.value)}
        onBlur={() => save()}
        onKeyDown={(event) => {
          if (event.key !== "Escape") return;
          event.preventDefault();
          closed.current = true;
          refocus.current = true;
          setDraft(null);
        }}
      />
    </form>
  );
}
