/** Stands in for the chart until both the chart code and the first snapshot are here. */
export function ChartSkeleton() {
  return (
    <div className="chart-frame">
      <div className="chart-skeleton" aria-hidden="true">
        <span className="skeleton" />
      </div>
      <span className="visually-hidden">Loading chart…</span>
    </div>
  );
}
