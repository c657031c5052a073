import { useState } from "react";
import { Link, useLocation } from "wouter";
import { createWatchlist, type SavedList, savedLists } from "../lib/saved-lists.ts";

// Made on first use: the first Intl object of a page loads locale data, tens of milliseconds that
// would otherwise come out of every page's first load (this module is in the entry).
let ago: Intl.RelativeTimeFormat | null = null;
const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

function lastSeen(time: number): string {
  const elapsed = Date.now() - time;
  for (const [unit, ms] of STEPS) {
    if (elapsed >= ms) {
      ago ??= new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
      return ago.format(-Math.floor(elapsed / ms), unit);
    }
  }
  return "just now";
}

/**
 * The home page's way into shared lists: make a new one, or go back to one this browser has
 * opened. A list starts empty, because what to watch is the creator's to say; its page asks for
 * the first symbol.
 */
export function YourWatchlists() {
  const [, navigate] = useLocation();
  const [lists] = useState<SavedList[]>(savedLists);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const create = () => {
    setBusy(true);
    setError(null);
    createWatchlist().then(
      ({ id, editKey }) => navigate(`/w/${id}#key=${editKey}`),
      (err: unknown) => {
        setBusy(false);
        setError(`Could not create a list: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
  };

  return (
    <section className="your-lists" aria-labelledby="lists-title">
      <div className="your-lists-head">
        <h2 id="lists-title" className="section-title">
          Your watchlists
        </h2>
        <button type="button" className="button button-primary" onClick={create} disabled={busy}>
          New watchlist
        </button>
      </div>
      {error ? (
        <p className="your-lists-error" role="alert">
          {error}
        </p>
      ) : null}
      {lists.length === 0 ? (
        <p className="your-lists-empty">
          A watchlist is a room too: make one, share its link, and edit it together live.
        </p>
      ) : (
        <ul className="your-lists-items">
          {lists.map((list) => (
            <li key={list.id}>
              <Link href={list.key ? `/w/${list.id}#key=${list.key}` : `/w/${list.id}`}>
                {list.name}
              </Link>
              <span className="badge">{list.key ? "EDIT" : "VIEW"}</span>
              <span className="your-lists-seen">{lastSeen(list.lastSeen)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
