import { useMemo } from "react";
import type { Direction } from "../lib/format.ts";

type Props = {
  /** Closes, oldest first: a quote-mode snapshot's `spark`. */
  closes: readonly number[];
  /** The live price, drawn as the newest point. */
  price: number | undefined;
  direction: Direction;
};

/** Points in the line: enough for the shape of a day, few enough for a small tile. */
const POINTS = 72;
const WIDTH = 100;
const HEIGHT = 28;

/** The last 24 hours as a plain SVG line; a tile or a row needs no chart library. */
export function Sparkline({ closes, price, direction }: Props) {
  const sampled = useMemo(() => sample(closes, POINTS), [closes]);
  const values = price === undefined ? sampled : [...sampled, price];
  if (values.length < 2) return <span className="sparkline sparkline-empty" aria-hidden="true" />;
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < low) low = v;
    if (v > high) high = v;
  }
  const span = high - low || 1;
  const step = WIDTH / (values.length - 1);
  const points = values
    .map((v, i) => `${(i * step).toFixed(1)},${(HEIGHT - ((v - low) / span) * HEIGHT).toFixed(1)}`)
    .join(" ");
  return (
    <svg
      className="sparkline"
      data-direction={direction}
      viewBox={`0 -1 ${WIDTH} ${HEIGHT + 2}`}
      preserveAspectRatio="none"
      aria-hidden="true"
    >
      <polyline points={points} />
    </svg>
  );
}

function sample(closes: readonly number[], count: number): readonly number[] {
  if (closes.length <= count) return closes;
  const out: number[] = [];
  const step = (closes.length - 1) / (count - 1);
  for (let i = 0; i < count; i++) out.push(closes[Math.round(i * step)] as number);
  return out;
}
