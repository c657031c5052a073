import type { CSSProperties } from "react";
import { initialsOf } from "../lib/presence.ts";

/** Dark initials on a light colour (yellow) and white on the rest, for contrast. */
function faceStyle(color: string): CSSProperties {
  const hex = /^#[0-9a-f]{6}$/i.test(color) ? color : "#8a929e";
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  const light = 0.299 * (r ?? 0) + 0.587 * (g ?? 0) + 0.114 * (b ?? 0) > 170;
  return { background: hex, color: light ? "#141920" : "#ffffff" };
}

/** A person's face: initials on their presence colour. Decorative: its owner says who. */
export function Face({
  name,
  color,
  small = false,
}: {
  name: string;
  color: string;
  small?: boolean;
}) {
  return (
    <span
      className={small ? "face face-small" : "face"}
      style={faceStyle(color)}
      aria-hidden="true"
    >
      {initialsOf(name)}
    </span>
  );
}
