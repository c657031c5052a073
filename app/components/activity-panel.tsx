import { useEffect, useId, useState } from "react";
import { useStore } from "zustand";
import { eventText, relativeTime } from "../lib/list-activity.ts";
import type { WatchlistStore } from "../lib/watchlist-store.ts";
import { NotifyButton } from "./notify-button.tsx";
import "./alerts.css";

/** Relative times move on this often: "just now" becomes "1 min ago" without a reload. */
const REFRESH_MS = 30_000;

/**
 * The list's activity, newest first: who added, removed, moved or renamed, who set an alert
 * and when one fired, who drew on a chart. The room keeps the last 200 events, so someone who
 * opens the list later sees what happened before they came.
 */
export default function ActivityPanel({ store }: { store: WatchlistStore }) {
  const events = useStore(store, (s) => s.activity);
  const id = useId();
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  return (
    <section className="activity" aria-labelledby={`${id}-title`}>
      <div className="activity-head">
        <h2 id={`${id}-title`} className="activity-title">
          Activity
        </h2>
        <NotifyButton />
      </div>
      {events.length === 0 ? (
        <p className="activity-empty">Nothing yet: edits and alerts on this list show here.</p>
      ) : (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolled list must be reachable by keyboard.
        <ol className="activity-list" aria-label="Recent activity" tabIndex={0}>
          {events.toReversed().map((e) => (
            <li key={e.seq} className="activity-event" data-kind={e.kind}>
              <span className="activity-text">{eventText(e)}</span>
              <time
                className="activity-time"
                dateTime={new Date(e.at).toISOString()}
                title={new Date(e.at).toLocaleString()}
              >
                {relativeTime(e.at, now)}
              </time>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
