import { ARROW, directionOf, formatChange, formatPercent } from "../lib/format.ts";

type Props = {
  change: number;
  changePct: number;
  decimals: number;
  /** Tiles show the percentage only. */
  compact?: boolean;
};

/** A change against the previous close: colour, arrow and sign, so that no cue stands alone. */
export function ChangeText({ change, changePct, decimals, compact = false }: Props) {
  const direction = directionOf(change);
  return (
    <span className="change" data-direction={direction}>
      {ARROW[direction] ? (
        <span className="change-arrow" aria-hidden="true">
          {ARROW[direction]}
        </span>
      ) : null}
      {compact ? null : <span className="change-abs">{formatChange(change, decimals)}</span>}
      <span className="change-pct">
        {compact ? formatPercent(changePct) : `(${formatPercent(changePct)})`}
      </span>
    </span>
  );
}
