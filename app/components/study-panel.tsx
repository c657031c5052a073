import { type ReactNode, useEffect, useRef } from "react";

type Props = {
  id: string;
  label: string;
  close: (refocus: boolean) => void;
  children: ReactNode;
};

/**
 * The panel a toolbar button opens: a non-modal dialog that takes focus when it opens, and
 * closes on Escape (focus back on its button), on a click elsewhere, or when focus moves on.
 */
export function StudyPanel({ id, label, close, children }: Props) {
  const panel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = panel.current;
    if (!el) return;
    el.querySelector<HTMLElement>("input, button:not(:disabled)")?.focus();
    const menu = el.parentElement;
    const onPointerDown = (event: PointerEvent) => {
      if (menu && event.target instanceof Node && !menu.contains(event.target)) close(false);
    };
    document.addEventListener("pointerdown", onPointerDown);
    return () => document.removeEventListener("pointerdown", onPointerDown);
  }, [close]);

  return (
    <div
      ref={panel}
      id={id}
      role="dialog"
      aria-label={label}
      className="study-panel"
      onKeyDown={(event) => {
        if (event.key !== "Escape") return;
        event.preventDefault();
        close(true);
      }}
      onBlur={(event) => {
        const next = event.relatedTarget;
        const menu = event.currentTarget.parentElement;
        if (next instanceof Node && menu && !menu.contains(next)) close(false);
      }}
    >
      {children}
    </div>
  );
}
