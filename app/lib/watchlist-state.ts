/**
 * What the app knows about one watchlist room, and how frames and local edits change it. Pure:
 * the store applies these functions, the tests call them directly.
 *
 * The server is the authority. A local edit is shown at once as a pending intent laid over the
 * last list the server sent; intents are idempotent (add AAPL, move TSLA to 0), so laying one
 * over a newer list, or over a list that already holds it, shows what the server will make of
 * it. An edit leaves the pending queue when the server has settled it: acknowledged and seen in
 * a `state`, or refused, which rolls it back and says why.
 */
import {
  type ActivityEvent,
  type AlertView,
  applyEdit,
  PROTOCOL_VERSION,
  type PresenceUser,
  type Role,
  type User,
  type WatchlistEdit,
  type WatchlistServerMessage,
  type WatchlistView,
} from "../../party/protocol/index.ts";
import { readFrame, type UnknownVersion, unknownVersion } from "../../party/protocol/read-frame.ts";
import {
  applyCrosshairs,
  type CrosshairsState,
  keepPresent,
  noCrosshairs,
} from "./collab-crosshairs.ts";
import {
  ackDrawing,
  type DrawingChange,
  type DrawingsState,
  dropPendingDrawings,
  noDrawings,
  proposeDrawing,
  receiveDrawings,
  refuseDrawing,
} from "./collab-drawings.ts";
import { mergeEvents } from "./list-activity.ts";
import { type Firing, rememberFiring } from "./list-alerts.ts";

/** An edit as sent: every one carries a `ref`, which the server echoes to settle it. */
export type SentEdit = WatchlistEdit & { ref: string };

type Pending = {
  edit: SentEdit;
  /** The list version the server acknowledged it at; null until then. */
  ackedAt: number | null;
};

/** Why this browser lost its edit rights: its key was changed by another editor, or refused. */
export type Demotion = "changed" | "refused";

export type WatchlistState = {
  /**
   * `loading` until the first `state`; `missing` when there is no such list; `deleted` once
   * it has been deleted while open here.
   */
  phase: "loading" | "ready" | "missing" | "deleted";
  /** The last list the server sent. */
  server: WatchlistView | null;
  pending: readonly Pending[];
  /** What the screen shows: the server's list with the pending edits laid over it, in order. */
  view: WatchlistView | null;
  role: Role | null;
  you: User | null;
  /** Who is here, as listed (at most 50). */
  users: readonly PresenceUser[];
  /** How many people are here in all, listed or not. */
  count: number;
  /**
   * An `auth` frame is on its way on this connection: the first `state` (always a viewer's)
   * is not the last word on the role, and edits wait for the answer.
   */
  authing: boolean;
  /** This page has been an editor of the list: losing that is news worth telling. */
  wasEditor: boolean;
  demoted: Demotion | null;
  /** The last refusal, for the alert; `seq` tells two refusals with the same text apart. */
  notice: { seq: number; text: string } | null;
  /** The drawings on the list's charts, this person's changes laid over them. */
  drawings: DrawingsState;
  /** Where other people's pointers are on the list's charts. */
  crosshairs: CrosshairsState;
  /** The list's alerts, as the last `state` had them. */
  alerts: readonly AlertView[];
  /** The list's last events, oldest first. */
  activity: readonly ActivityEvent[];
  /** The firings heard while this page was open, for its toasts. */
  firings: readonly Firing[];
};

export function initialWatchlistState(): WatchlistState {
  return {
    phase: "loading",
    server: null,
    pending: [],
    view: null,
    role: null,
    you: null,
    users: [],
    count: 0,
    authing: false,
    wasEditor: false,
    demoted: null,
    notice: null,
    drawings: noDrawings,
    crosshairs: noCrosshairs,
    alerts: [],
    activity: [],
    firings: [],
  };
}

/** A change to a drawing, shown at once; it is sent with the same `ref`. */
export function proposeDrawingChange(state: WatchlistState, change: DrawingChange): WatchlistState {
  return { ...state, drawings: proposeDrawing(state.drawings, change, state.you) };
}

/** The socket closed: unanswered drawing changes are taken back, crosshairs forgotten. */
export function connectionLost(state: WatchlistState): WatchlistState {
  const drawings = dropPendingDrawings(state.drawings, state.you);
  return drawings === state.drawings && state.crosshairs.size === 0
    ? state
    : { ...state, drawings, crosshairs: noCrosshairs };
}

/**
 * What the page offers: editing while this connection is an editor, and also while its key is
 * being checked, so that an editor's page does not flash to view-only on every (re)connect.
 */
export function canEdit(state: WatchlistState): boolean {
  return state.role === "editor" || state.authing;
}

/** The socket opened and an `auth` frame with this browser's key goes out first. */
export function startAuth(state: WatchlistState): WatchlistState {
  return { ...state, authing: true, demoted: null };
}

/**
 * The list after one intent, as the server's reducer would leave it when the edit is allowed.
 * Limits (50 symbols, editor rights) are the server's to enforce: a refused edit rolls back.
 */
export function applyIntent(list: WatchlistView, edit: WatchlistEdit): WatchlistView {
  // The server's own rules, run here so that an edit shows at once; the version is the
  // server's to give, and an edit it would refuse changes nothing until it says so.
  const result = applyEdit(list, edit, "editor");
  return result.ok && result.changed ? { ...result.list, version: list.version } : list;
}

/** Shows a local edit at once; it is sent with the same `ref`. */
export function propose(state: WatchlistState, edit: SentEdit): WatchlistState {
  return withView({ ...state, pending: [...state.pending, { edit, ackedAt: null }] });
}

/** The edits still waiting for the server, oldest first: what to send again after a reconnect. */
export function unsettled(state: WatchlistState): SentEdit[] {
  return state.pending.filter((p) => p.ackedAt === null).map((p) => p.edit);
}

/** Takes back an edit that a newer one replaced before it was sent (a key held down). */
export function withdraw(state: WatchlistState, ref: string): WatchlistState {
  const pending = state.pending.filter((p) => p.edit.ref !== ref);
  return pending.length === state.pending.length ? state : withView({ ...state, pending });
}

/** There is no list with this id (the upgrade was refused with 404). */
export function markMissing(state: WatchlistState): WatchlistState {
  return { ...state, phase: "missing", pending: [], authing: false };
}

/** The list was deleted (its `deleted` frame, its close code, or this browser's own DELETE). */
export function markDeleted(state: WatchlistState): WatchlistState {
  return { ...state, phase: "deleted", pending: [], authing: false };
}

/**
 * The edit rights are gone. Edits not yet acknowledged can no longer be made, so they leave
 * the screen with the banner that says why, rather than with one refusal each.
 */
function demote(state: WatchlistState, why: Demotion): WatchlistState {
  return withView({
    ...state,
    role: "viewer",
    authing: false,
    demoted: why,
    pending: state.pending.filter((p) => p.ackedAt !== null),
  });
}

export function applyServerFrame(
  state: WatchlistState,
  frame: WatchlistServerMessage,
): WatchlistState {
  switch (frame.type) {
    case "state": {
      if (state.phase === "deleted") return state;
      const server: WatchlistView = {
        id: frame.id,
        name: frame.name,
        symbols: frame.symbols,
        version: frame.version,
      };
      const editor = frame.role === "editor";
      const next = withView({
        ...state,
        phase: "ready",
        server,
        role: frame.role,
        you: frame.you,
        pending: settled(state.pending, server.version),
        // A viewer's state while the key is checked is the one every connection starts with.
        authing: state.authing && !editor,
        wasEditor: state.wasEditor || editor,
        drawings: receiveDrawings(state.drawings, frame.drawings ?? [], frame.you),
        alerts: frame.alerts ?? state.alerts,
      });
      // An editor made a viewer without asking: another editor changed the edit link.
      return !editor && !state.authing && state.role === "editor" ? demote(next, "changed") : next;
    }
    case "ack": {
      if (frame.ref !== undefined && !("editKey" in frame)) {
        const id = "drawingId" in frame ? frame.drawingId : undefined;
        const drawings = ackDrawing(state.drawings, frame.ref, id, state.you);
        if (drawings !== state.drawings) return { ...state, drawings };
      }
      const version = state.server?.version ?? 0;
      const pending = state.pending.map((p) =>
        p.edit.ref === frame.ref ? { ...p, ackedAt: frame.version } : p,
      );
      return withView({ ...state, pending: settled(pending, version) });
    }
    case "error": {
      // Nothing but the `auth` frame is sent while it is checked: a refusal is its answer.
      if (state.authing && frame.ref === undefined) {
        return demote(state, state.wasEditor ? "changed" : "refused");
      }
      const undrawn =
        frame.ref === undefined ? null : refuseDrawing(state.drawings, frame.ref, state.you);
      if (undrawn !== null) {
        const text = refusalText(undefined, frame.message);
        return { ...state, drawings: undrawn, notice: { seq: (state.notice?.seq ?? 0) + 1, text } };
      }
      const refused = state.pending.find((p) => p.edit.ref === frame.ref);
      // A refusal of an edit already given up (rolled back with a demotion) says nothing new.
      if (!refused && frame.ref !== undefined && state.demoted !== null) return state;
      const text = refusalText(refused?.edit, frame.message);
      const notice = { seq: (state.notice?.seq ?? 0) + 1, text };
      if (!refused) return { ...state, notice };
      return withView({ ...state, notice, pending: state.pending.filter((p) => p !== refused) });
    }
    case "presence":
      return {
        ...state,
        users: frame.users,
        count: Math.max(frame.users.length, frame.count ?? 0),
        crosshairs: keepPresent(
          state.crosshairs,
          frame.users,
          Math.max(frame.users.length, frame.count ?? 0),
        ),
      };
    case "crosshairs":
      return { ...state, crosshairs: applyCrosshairs(state.crosshairs, frame.crosshairs) };
    case "fired":
      return { ...state, firings: rememberFiring(state.firings, frame, state.alerts) };
    case "activity":
      return { ...state, activity: mergeEvents([], frame.events) };
    case "event":
      return { ...state, activity: mergeEvents(state.activity, [frame.event]) };
    case "deleted":
      return markDeleted(state);
    default:
      return state;
  }
}

/** An acknowledged edit is settled once a `state` at least as new as its ack has arrived. */
function settled(pending: readonly Pending[], version: number): readonly Pending[] {
  const left = pending.filter((p) => p.ackedAt === null || p.ackedAt > version);
  return left.length === pending.length ? pending : left;
}

function withView(state: WatchlistState): WatchlistState {
  let view = state.server;
  if (view) for (const { edit } of state.pending) view = applyIntent(view, edit);
  return view === state.view ? state : { ...state, view };
}

/** A refusal in words a person can act on: what was refused, then the server's reason. */
export function refusalText(edit: WatchlistEdit | undefined, reason: string): string {
  const why = reason.replace(/\.$/, "");
  switch (edit?.type) {
    case "add":
      return `Could not add ${"symbol" in edit ? edit.symbol : edit.symbols.join(", ")}: ${why}.`;
    case "remove":
      return `Could not remove ${edit.symbol}: ${why}.`;
    case "move":
      return `Could not move ${edit.symbol}: ${why}.`;
    case "rename":
      return `Could not rename the list: ${why}.`;
    default:
      return `${why.charAt(0).toUpperCase()}${why.slice(1)}.`;
  }
}

/**
 * Reads one frame. The server is trusted, but a frame that is not what the protocol says is
 * dropped here rather than breaking a render later.
 */
export function parseWatchlistFrame(text: string): WatchlistServerMessage | UnknownVersion | null {
  const f = readFrame(text);
  if (f === null) return null;
  // A state of a version this app does not know cannot be read field by field.
  const unknown = f.type === "state" ? unknownVersion(f) : null;
  if (unknown) return unknown;
  const ok = (() => {
    switch (f.type) {
      case "state":
        return (
          f.v === PROTOCOL_VERSION &&
          typeof f.name === "string" &&
          Array.isArray(f.symbols) &&
          typeof f.version === "number" &&
          (f.role === "editor" || f.role === "viewer") &&
          typeof f.you === "object" &&
          f.you !== null
        );
      case "presence":
        return Array.isArray(f.users) && (f.count === undefined || typeof f.count === "number");
      case "ack":
        // The answer to `rotate` may come without a `ref`; it always carries the new key.
        return (
          typeof f.version === "number" &&
          (typeof f.ref === "string" || typeof f.editKey === "string") &&
          (f.editKey === undefined || typeof f.editKey === "string")
        );
      case "deleted":
        return true;
      case "crosshairs":
        return Array.isArray(f.crosshairs);
      case "fired":
        return typeof f.alertId === "string" && typeof f.symbol === "string";
      case "activity":
        return Array.isArray(f.events);
      case "event":
        return typeof f.event === "object" && f.event !== null;
      case "error":
        return typeof f.message === "string";
      default:
        // Additive protocol changes may bring new types (and `pong` needs nothing): ignore.
        return false;
    }
  })();
  return ok ? (f as WatchlistServerMessage) : null;
}
