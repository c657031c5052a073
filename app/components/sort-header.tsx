import { nextSort, type Sort, type SortKey } from "../lib/watchlist-sort.ts";

type Props = {
  column: SortKey;
  label: string;
  sort: Sort | null;
  onSort(sort: Sort | null): void;
  className: string;
};

/**
 * A column header that sorts by its column: up, then down, then the list's own order. The
 * header says which way with `aria-sort`; the arrow says it to the eye.
 */
export function SortHeader({ column, label, sort, onSort, className }: Props) {
  const dir = sort?.key === column ? sort.dir : null;
  return (
    <th
      scope="col"
      className={className}
      aria-sort={dir === null ? undefined : dir === "asc" ? "ascending" : "descending"}
    >
      <button
        type="button"
        className="wl-sort"
        data-active={dir !== null || undefined}
        onClick={() => onSort(nextSort(sort, column))}
      >
        {label}
        <span className="wl-sort-arrow" aria-hidden="true">
          {dir === "asc" ? "▲" : dir === "desc" ? "▼" : ""}
        </span>
      </button>
    </th>
  );
}
