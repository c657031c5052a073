import type { ReactNode } from "react";
import { Link } from "wouter";

type Props = { title: string; children: ReactNode };

export function ErrorPanel({ title, children }: Props) {
  return (
    <section className="error-panel" aria-labelledby="error-title">
      <h1 id="error-title">{title}</h1>
      <p>{children}</p>
      <Link href="/" className="button">
        Search for a symbol
      </Link>
    </section>
  );
}
