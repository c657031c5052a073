import { useMemo } from "react";
import type { Candle } from "../../party/protocol.ts";
import type { Direction } from "../lib/format.ts";

type Props = {
  candles: readonly Candle[];
  /** The live price, drawn as the newest point. */
  price: number | undefined;
  direction: Direction;
};

/** Points in the line: enough for the shape of a day, few enough for a small tile. */
const POINTS = 72;
const WIDTH = 100;
const HEIGHT = 28;

/** The last 24 hours as a plain SVG line; a tile needs no chart library. */
export function Sparkline({ candles, price, direction }: Props) {
  const closes = useMemo(() => sample(candles, POINTS), [candles]);
  const values = price === undefined ? closes : [...closes, price];
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

function sample(candles: readonly Candle[], count: number): number[] {
  if (candles.length <= count) return candles.map((c) => c[4]);
  const out: number[] = [];
  const step = (candles.length - 1) / (count - 1);
  for (let i = 0; i < count; i++) out.push((candles[Math.round(i * step)] as Candle)[4]);
  return out;
}
