import { useEffect, useState } from "react";
import { useStore } from "zustand";
import type { WatchlistStore } from "../lib/watchlist-store.ts";

/** Long enough to read two lines; the next refusal replaces it at once. */
const SHOW_MS = 6000;

/** Says why the server refused an edit (which is already rolled back on screen). */
export function EditNotice({ store }: { store: WatchlistStore }) {
  const notice = useStore(store, (s) => s.notice);
  const [dismissed, setDismissed] = useState(notice?.seq ?? 0);
  const seq = notice?.seq ?? 0;
  useEffect(() => {
    if (seq === 0) return;
    const timer = setTimeout(() => setDismissed(seq), SHOW_MS);
    return () => clearTimeout(timer);
  }, [seq]);
  if (notice === null || notice.seq <= dismissed) return null;
  return (
    <div className="toast" role="alert">
      <span>{notice.text}</span>
      <button
        type="button"
        className="toast-close"
        aria-label="Dismiss"
        onClick={() => setDismissed(notice.seq)}
      >
        ×
      </button>
    </div>
  );
}
