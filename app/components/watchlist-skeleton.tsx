const ROWS = [0, 1, 2, 3, 4, 5];

/** Stands in for a list until its code and its first `state` are here. */
export function WatchlistSkeleton() {
  return (
    <div className="wl" aria-busy="true">
      <div className="wl-head" aria-hidden="true">
        <span className="skeleton skeleton-title" />
      </div>
      <div className="wl-body" aria-hidden="true">
        <div className="wl-list">
          <ul className="wl-rows">
            {ROWS.map((row) => (
              <li key={row} className="wl-row wl-row-skeleton">
                <span className="skeleton skeleton-symbol" />
                <span className="skeleton skeleton-spark" />
                <span className="skeleton skeleton-price" />
              </li>
            ))}
          </ul>
        </div>
        <div className="wl-chart">
          <div className="chart-frame">
            <div className="chart-skeleton">
              <span className="skeleton" />
            </div>
          </div>
        </div>
      </div>
      <span className="visually-hidden">Loading watchlist…</span>
    </div>
  );
}
