import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useSearchParams } from "wouter";
import { useStore } from "zustand";
import { isWatchlistId } from "../../party/protocol/index.ts";
import {
  deleteWatchlist,
  editLink,
  savedName,
  saveName,
  takeKey,
  viewLink,
} from "../lib/saved-lists.ts";
import { useWatchlistRoom } from "../lib/use-watchlist-room.ts";
import { parseSort, type Sort, writeSort } from "../lib/watchlist-sort.ts";
import { canEdit } from "../lib/watchlist-state.ts";
import { AccessNotice } from "./access-notice.tsx";
import { AddSymbolForm } from "./add-symbol-form.tsx";
import { AlertToasts } from "./alert-toasts.tsx";
import { CopyLinkButton } from "./copy-link-button.tsx";
import { EditNotice } from "./edit-notice.tsx";
import { ErrorPanel } from "./error-panel.tsx";
import { ListTitle } from "./list-title.tsx";
import { ManageList } from "./manage-list.tsx";
import { NameDialog } from "./name-dialog.tsx";
import { PeopleList } from "./people-list.tsx";
import { PresenceFaces } from "./presence-faces.tsx";
import { TickerView } from "./ticker-view.tsx";
import { WatchlistRows } from "./watchlist-rows.tsx";
import { WatchlistSkeleton } from "./watchlist-skeleton.tsx";

const ActivityPanel = lazy(() => import("./activity-panel.tsx"));
const AlertDialog = lazy(() => import("./alert-dialog.tsx"));
// Shared drawings and crosshairs load with the list's chart, never on a symbol's own page.
const ChartCollab = lazy(() => import("./chart-collab.tsx"));

/** Where the chart moves below the list (styles.css says the same). */
const PHONE = "(max-width: 720px)";

/** `/w/:id`: a shared list, edited live by everyone who holds its edit link. */
export default function WatchlistPage({ id }: { id: string }) {
  if (!isWatchlistId(id)) {
    return (
      <ErrorPanel title="Not a watchlist" action="Go to the home page">
        This address cannot belong to a watchlist: list links look like /w/ followed by 16 to 64
        letters, digits, dashes or underscores.
      </ErrorPanel>
    );
  }
  // A new list is a new room: fresh state, socket and selection.
  return <WatchlistScreen key={id} id={id} />;
}

function WatchlistScreen({ id }: { id: string }) {
  const [initialKey] = useState(() => takeKey(id));
  const [name, setName] = useState(savedName);
  // Without a saved name the dialog asks first; "Join as Guest" answers for this visit only.
  const [asking, setAsking] = useState(name === null);
  const [guest, setGuest] = useState(false);
  const room = useWatchlistRoom({
    id,
    initialKey,
    name: name ?? undefined,
    enabled: name !== null || guest,
  });
  const { store, key } = room;
  const phase = useStore(store, (s) => s.phase);
  const view = useStore(store, (s) => s.view);
  const editor = useStore(store, canEdit);
  const confirmedEditor = useStore(store, (s) => s.role === "editor");
  const you = useStore(store, (s) => s.you);
  const listed = useStore(store, (s) => s.users);
  const count = useStore(store, (s) => s.count);
  const alerts = useStore(store, (s) => s.alerts);
  /** The symbol whose alert dialog is open. */
  const [alerting, setAlerting] = useState<string | null>(null);

  // The room lists at most 50 people; one who came later still sees their own face.
  const users = useMemo(
    () =>
      you === null || listed.some((u) => u.id === you.id)
        ? listed
        : [
            { ...you, role: editor ? ("editor" as const) : ("viewer" as const), focus: null },
            ...listed,
          ],
    [listed, you, editor],
  );
  // The viewer's own sort lives in the address, beside the chart's timeframe.
  const [params, setParams] = useSearchParams();
  const sortKey = params.get("sort");
  const sortDir = params.get("dir");
  const sort = useMemo(() => parseSort(sortKey, sortDir), [sortKey, sortDir]);
  const setSort = useCallback(
    (next: Sort | null) => setParams((p) => writeSort(p, next), { replace: true }),
    [setParams],
  );
  const [selected, setSelected] = useState<string | null>(null);
  const [following, setFollowing] = useState<string | null>(null);
  const leader = following === null ? undefined : users.find((u) => u.id === following);
  const leaderFocus = leader?.focus ?? null;
  const symbols = view?.symbols ?? [];
  const current =
    selected !== null && (symbols.includes(selected) || leader !== undefined)
      ? selected
      : (symbols[0] ?? null);

  useEffect(() => {
    // Someone who left cannot be followed; their focus was the last thing shown.
    if (following !== null && users.length > 0 && leader === undefined) setFollowing(null);
  }, [following, users, leader]);
  useEffect(() => {
    if (leaderFocus !== null) setSelected(leaderFocus);
  }, [leaderFocus]);
  useEffect(() => room.focus(current), [room, current]);
  useEffect(() => {
    document.title = `${view?.name ?? "Watchlist"} · Tickerroom`;
  }, [view?.name]);

  /** Acting on the list oneself ends following someone else. */
  const act = useCallback(() => setFollowing(null), []);
  const chart = useRef<HTMLElement>(null);
  const choose = useCallback((symbol: string) => {
    setFollowing(null);
    setSelected(symbol);
    // On a phone the chart is below the whole list: bring it into view.
    if (matchMedia(PHONE).matches) {
      requestAnimationFrame(() => chart.current?.scrollIntoView({ block: "start" }));
    }
  }, []);
  const follow = (userId: string) => {
    if (following === userId) {
      setFollowing(null);
      return;
    }
    setFollowing(userId);
    const focus = users.find((u) => u.id === userId)?.focus;
    if (focus) setSelected(focus);
  };

  const dialog = (
    <NameDialog
      open={asking}
      current={name}
      onSave={(next) => {
        saveName(next);
        setName(next);
        setAsking(false);
      }}
      onCancel={() => {
        setGuest(true);
        setAsking(false);
      }}
    />
  );

  if (phase === "deleted") {
    return (
      <ErrorPanel title="This list was deleted" action="Go to the home page" takeFocus>
        An editor deleted this watchlist, for everyone who had its link. It is gone from your
        watchlists too.
      </ErrorPanel>
    );
  }
  if (phase === "missing") {
    return (
      <ErrorPanel title="Watchlist not found" action="Go to the home page">
        There is no watchlist at this address. Check the link you were given, or make a new list
        from the home page.
      </ErrorPanel>
    );
  }
  if (view === null || you === null) {
    return (
      <>
        <WatchlistSkeleton />
        {dialog}
      </>
    );
  }

  const leaderName = leader?.name;
  return (
    <article className="wl" aria-labelledby="wl-title">
      <header className="wl-head">
        <div className="wl-heading">
          <ListTitle
            name={view.name}
            editable={editor}
            onRename={(next) => room.edit({ type: "rename", name: next })}
          />
          {editor ? null : (
            <span className="badge badge-view" title="Ask for the edit link to make changes">
              View only
            </span>
          )}
        </div>
        <PresenceFaces
          users={users}
          count={count}
          you={you.id}
          following={following}
          onFollow={follow}
          onRename={() => setAsking(true)}
        />
        <div className="wl-share">
          {editor && key ? (
            <CopyLinkButton label="Copy edit link" link={() => editLink(id, key)} />
          ) : null}
          <CopyLinkButton label="Copy view link" link={() => viewLink(id)} />
        </div>
      </header>
      <AccessNotice store={store} />
      <EditNotice store={store} />
      <div className="wl-body">
        <section className="wl-list" aria-label="List">
          {editor ? (
            <AddSymbolForm
              symbols={symbols}
              autoFocus={symbols.length === 0}
              onAdd={(added) =>
                room.edit(
                  added.length === 1
                    ? { type: "add", symbol: added[0] as string }
                    : { type: "add", symbols: added },
                )
              }
              onKey={act}
            />
          ) : null}
          {symbols.length > 0 ? (
            <WatchlistRows
              symbols={symbols}
              current={current}
              editable={editor}
              sort={sort}
              onSort={setSort}
              onSelect={choose}
              onAct={act}
              onMove={(symbol, index) => room.edit({ type: "move", symbol, index })}
              onRemove={(symbol) => room.edit({ type: "remove", symbol })}
              alerts={alerts}
              onSetAlert={setAlerting}
              onRemoveAlert={room.unalert}
            />
          ) : (
            <div className="wl-empty">
              <p className="wl-empty-title">
                {editor ? "Add a symbol to start" : "Nothing here yet"}
              </p>
              <p>
                {editor
                  ? "Type a ticker such as AAPL or BTC-USD above. Everyone with a link sees it live."
                  : "The people who can edit this list have not added any symbols yet. They appear here as soon as they do."}
              </p>
            </div>
          )}
          <PeopleList users={users} count={count} you={you.id} />
          <Suspense fallback={null}>
            <ActivityPanel store={store} />
          </Suspense>
          {confirmedEditor && key ? (
            <ManageList
              listName={view.name}
              onRotate={room.rotate}
              onDelete={async () => {
                await deleteWatchlist(id, key);
                store.markDeleted();
              }}
            />
          ) : null}
        </section>
        <section ref={chart} className="wl-chart" aria-label="Chart">
          {leaderName !== undefined ? (
            <p className="following">
              <span>
                Following <strong>{leaderName}</strong>
              </span>
              <button type="button" className="button button-quiet" onClick={act}>
                Stop following
              </button>
            </p>
          ) : null}
          {current ? (
            <TickerView
              key={current}
              symbol={current}
              embedded
              layer={(chart) => (
                <Suspense fallback={null}>
                  <ChartCollab {...chart} symbol={current} room={room} editable={editor} />
                </Suspense>
              )}
            />
          ) : (
            <div className="chart-frame wl-chart-empty">
              <p>Charts show here once the list has a symbol.</p>
            </div>
          )}
        </section>
      </div>
      <AlertToasts store={store} />
      {alerting !== null && editor && symbols.includes(alerting) ? (
        <Suspense fallback={null}>
          <AlertDialog
            symbol={alerting}
            alerts={alerts}
            onSet={(when, value) => room.alert(alerting, when, value)}
            onClose={() => setAlerting(null)}
          />
        </Suspense>
      ) : null}
      {dialog}
    </article>
  );
}
