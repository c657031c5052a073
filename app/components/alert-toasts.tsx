import { useCallback, useEffect, useRef, useState } from "react";
import { useStore } from "zustand";
import { notify } from "../lib/alert-notify.ts";
import { type Firing, firingText } from "../lib/list-alerts.ts";
import type { WatchlistStore } from "../lib/watchlist-store.ts";
import "./alerts.css";

/** How long a toast stays unless dismissed: long enough to read, not a pile that never goes. */
const SHOWN_MS = 20_000;

/**
 * A toast for each alert that fires while the list is open, in a live region that screen
 * readers announce, and a browser notification for those who asked for them. The region is
 * always in the page, so that what is put in it is announced.
 */
export function AlertToasts({ store }: { store: WatchlistStore }) {
  const firings = useStore(store, (s) => s.firings);
  // Firings heard before this page was shown (a visit earlier) are not news now.
  const [gone, setGone] = useState(() => new Set(firings.map((f) => f.alertId)));
  const told = useRef(new Set(gone));

  useEffect(() => {
    for (const f of firings) {
      if (told.current.has(f.alertId)) continue;
      told.current.add(f.alertId);
      const { title, body } = firingText(f);
      notify(title, body, f.alertId);
    }
  }, [firings]);

  const dismiss = useCallback((alertId: string) => setGone((g) => new Set(g).add(alertId)), []);
  const shown = firings.filter((f) => !gone.has(f.alertId));
  return (
    <div className="alert-toasts" aria-live="assertive" aria-relevant="additions">
      {shown.map((f) => (
        <Toast key={f.alertId} firing={f} onDismiss={dismiss} />
      ))}
    </div>
  );
}

function Toast({ firing, onDismiss }: { firing: Firing; onDismiss(alertId: string): void }) {
  const { title, body } = firingText(firing);
  useEffect(() => {
    const timer = setTimeout(() => onDismiss(firing.alertId), SHOWN_MS);
    return () => clearTimeout(timer);
  }, [firing.alertId, onDismiss]);
  return (
    <div className="alert-toast" data-alert={firing.alertId}>
      <p>
        <strong>{title}</strong> <span>{body}</span>
      </p>
      <button
        type="button"
        className="button button-quiet"
        aria-label={`Dismiss: ${title}`}
        onClick={() => onDismiss(firing.alertId)}
      >
        Dismiss
      </button>
    </div>
  );
}
