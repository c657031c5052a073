/** One labelled figure; a skeleton until the figure is known. */
export function Stat({ label, value }: { label: string; value: string | null }) {
  return (
    <div className="stat">
      <dt>{label}</dt>
      <dd>{value ?? <span className="skeleton skeleton-stat" />}</dd>
    </div>
  );
}
