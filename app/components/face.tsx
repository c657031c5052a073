import { labelColors } from "../lib/contrast.ts";
import { initialsOf } from "../lib/presence.ts";

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
      style={labelColors(color)}
      aria-hidden="true"
    >
      {initialsOf(name)}
    </span>
  );
}
