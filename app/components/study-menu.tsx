import { type ReactNode, Suspense, useCallback, useId, useRef, useState } from "react";

type Panel = {
  id: string;
  /** Closes the panel; `refocus` puts focus back on its button (Escape, a choice made). */
  close: (refocus: boolean) => void;
};

type Props = {
  label: string;
  /** How many are chosen, shown beside the label. */
  count: number;
  /** The panel, loaded the first time it opens. */
  children: (panel: Panel) => ReactNode;
};

/**
 * A toolbar button that opens a panel below it. Only the button is in the page's first load;
 * the panel is a lazy component that brings its own code and styles.
 */
export function StudyMenu({ label, count, children }: Props) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const id = useId();
  const close = useCallback((refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  }, []);
  return (
    <div className="study-menu">
      <button
        ref={button}
        type="button"
        className="button button-quiet"
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        onClick={() => setOpen((o) => !o)}
      >
        {label}
        {count > 0 ? (
          <>
            {" "}
            <span className="study-count">{count}</span>
          </>
        ) : null}
      </button>
      {open ? <Suspense fallback={null}>{children({ id, close })}</Suspense> : null}
    </div>
  );
}
