import { useEffect } from "react";
import { PopularGrid } from "./popular-grid.tsx";
import { SymbolSearch } from "./symbol-search.tsx";
import { YourWatchlists } from "./your-watchlists.tsx";

export function HomePage() {
  useEffect(() => {
    document.title = "Tickerroom · live market dashboard";
  }, []);
  return (
    <div className="home">
      <section className="home-search" aria-labelledby="home-title">
        <h1 id="home-title" className="home-title">
          Every ticker, live
        </h1>
        <p className="home-lede">
          Open any stock or crypto pair for a streaming chart. Each symbol is a room everyone
          shares.
        </p>
        <SymbolSearch />
      </section>
      <YourWatchlists />
      <section aria-labelledby="popular-title">
        <h2 id="popular-title" className="section-title">
          Popular
        </h2>
        <PopularGrid />
      </section>
    </div>
  );
}
