import type { ReactNode } from "react";
import { Link } from "wouter";

type Props = { title: string; children: ReactNode; action?: string };

export function ErrorPanel({ title, children, action = "Search for a symbol" }: Props) {
  return (
    <section className="error-panel" aria-labelledby="error-title">
      <h1 id="error-title">{title}</h1>
      <p>{children}</p>
      <Link href="/" className="button">
        {action}
      </Link>
    </section>
  );
}
