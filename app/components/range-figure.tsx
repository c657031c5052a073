import { rangePosition } from "../lib/market-state.ts";

type Props = { low: number; high: number; price: number | null; format(value: number): string };

/** A low-to-high range in figures, with where the price sits in it drawn as a marker. */
export function RangeFigure({ low, high, price, format }: Props) {
  return (
    <>
      <span className="range-text">
        {format(low)}
        <span aria-hidden="true">{"\u2009–\u2009"}</span>
        <span className="visually-hidden"> to </span>
        {format(high)}
      </span>
      <span className="range-bar" aria-hidden="true">
        {price === null ? null : (
          <span className="range-marker" style={{ left: `${rangePosition(price, low, high)}%` }} />
        )}
      </span>
    </>
  );
}
