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
  applyEdit,
  type PresenceUser,
  type Role,
  type User,
  type WatchlistEdit,
  type WatchlistServerMessage,
  type WatchlistView,
} from "../../party/protocol/index.ts";
import { readFrame } from "./read-frame.ts";

/** An edit as sent: every one carries a `ref`, which the server echoes to settle it. */
export type SentEdit = WatchlistEdit & { ref: string };

type Pending = {
  edit: SentEdit;
  /** The list version the server acknowledged it at; null until then. */
  ackedAt: number | null;
};

export type WatchlistState = {
  /** `loading` until the first `state`; `missing` when there is no such list. */
  phase: "loading" | "ready" | "missing";
  /** The last list the server sent. */
  server: WatchlistView | null;
  pending: readonly Pending[];
  /** What the screen shows: the server's list with the pending edits laid over it, in order. */
  view: WatchlistView | null;
  role: Role | null;
  you: User | null;
  users: readonly PresenceUser[];
  /** The last refusal, for the alert; `seq` tells two refusals with the same text apart. */
  notice: { seq: number; text: string } | null;
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
    notice: null,
  };
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

/** There is no list with this id (the upgrade was refused with 404). */
export function markMissing(state: WatchlistState): WatchlistState {
  return { ...state, phase: "missing" };
}

export function applyServerFrame(
  state: WatchlistState,
  frame: WatchlistServerMessage,
): WatchlistState {
  switch (frame.type) {
    case "state": {
      const server: WatchlistView = {
        id: frame.id,
        name: frame.name,
        symbols: frame.symbols,
        version: frame.version,
      };
      return withView({
        ...state,
        phase: "ready",
        server,
        role: frame.role,
        you: frame.you,
        pending: settled(state.pending, server.version),
      });
    }
    case "ack": {
      const version = state.server?.version ?? 0;
      const pending = state.pending.map((p) =>
        p.edit.ref === frame.ref ? { ...p, ackedAt: frame.version } : p,
      );
      return withView({ ...state, pending: settled(pending, version) });
    }
    case "error": {
      const refused = state.pending.find((p) => p.edit.ref === frame.ref);
      const text = refusalText(refused?.edit, frame.message);
      const notice = { seq: (state.notice?.seq ?? 0) + 1, text };
      if (!refused) return { ...state, notice };
      return withView({ ...state, notice, pending: state.pending.filter((p) => p !== refused) });
    }
    case "presence":
      return { ...state, users: frame.users };
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
      return `Could not add ${edit.symbol}: ${why}.`;
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
export function parseWatchlistFrame(text: string): WatchlistServerMessage | null {
  const f = readFrame(text);
  if (f === null) return null;
  const ok = (() => {
    switch (f.type) {
      case "state":
        return (
          typeof f.name === "string" &&
          Array.isArray(f.symbols) &&
          typeof f.version === "number" &&
          (f.role === "editor" || f.role === "viewer") &&
          typeof f.you === "object" &&
          f.you !== null
        );
      case "presence":
        return Array.isArray(f.users);
      case "ack":
        return typeof f.ref === "string" && typeof f.version === "number";
      case "error":
        return typeof f.message === "string";
      default:
        // Additive protocol changes may bring new types (and `pong` needs nothing): ignore.
        return false;
    }
  })();
  return ok ? (f as WatchlistServerMessage) : null;
}
