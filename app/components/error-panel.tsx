import { type ReactNode, useEffect, useRef } from "react";
import { Link } from "wouter";

type Props = {
  title: string;
  children: ReactNode;
  action?: string;
  /** The panel replaced what the person was using: take focus, so that it is read out. */
  takeFocus?: boolean;
};

export function ErrorPanel({
  title,
  children,
  action = "Search for a symbol",
  takeFocus = false,
}: Props) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (takeFocus) heading.current?.focus();
  }, [takeFocus]);
  return (
    <section className="error-panel" aria-labelledby="error-title">
      <h1 id="error-title" ref={heading} tabIndex={takeFocus ? -1 : undefined}>
        {title}
      </h1>
      <p>{children}</p>
      <Link href="/" className="button">
        {action}
      </Link>
    </section>
  );
}
