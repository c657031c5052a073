import { POPULAR } from "../data/popular.ts";
import { QuoteTile } from "./quote-tile.tsx";

export function PopularGrid() {
  return (
    <ul className="tile-grid">
      {POPULAR.map(({ symbol, name }) => (
        <li key={symbol}>
          <QuoteTile symbol={symbol} name={name} />
        </li>
      ))}
    </ul>
  );
}
