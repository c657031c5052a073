import { useState } from "react";
import { useStore } from "zustand";
import type { Demotion } from "../lib/watchlist-state.ts";
import type { WatchlistStore } from "../lib/watchlist-store.ts";

const TEXT: Record<Demotion, string> = {
  changed: "The edit link was changed: you can view this list but not edit it.",
  refused:
    "This edit link does not work (it may have been changed): you can view this list but not edit it.",
};

/**
 * Says why the edit controls went away: another editor made a new edit link, or the one this
 * page came with is not (or no longer) the list's. It stays until dismissed.
 */
export function AccessNotice({ store }: { store: WatchlistStore }) {
  const demoted = useStore(store, (s) => s.demoted);
  const [dismissed, setDismissed] = useState<Demotion | null>(null);
  if (demoted === null || dismissed === demoted) return null;
  return (
    <div className="access-notice" role="alert">
      <p>{TEXT[demoted]} Ask an editor for the new edit link to make changes.</p>
      <button
        type="button"
        className="toast-close"
        aria-label="Dismiss"
        onClick={() => setDismissed(demoted)}
      >
        ×
      </button>
    </div>
  );
}
