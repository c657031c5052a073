/**
 * WatchlistRoom: one hibernating room per shared list. Server-authoritative: edits are applied
 * in arrival order by a pure reducer, stored, then sent to everyone as the whole state.
 * Presence (who is here, what they look at) lives in connection state, not in storage.
 */
import type * as Party from "partykit/server";
import * as v from "valibot";
import {
  answerClose,
  answered,
  decodeRoomId,
  httpError,
  json,
  preflight,
  readBody,
  safeEqual,
  serverError,
} from "./http.ts";
import {
  applyEdit,
  CLOSE_POLICY,
  type CreatedWatchlist,
  CreateWatchlistSchema,
  DisplayNameSchema,
  describeIssues,
  ErrorCode,
  isWatchlistId,
  LIMITS,
  PROTOCOL_VERSION,
  type PresenceUser,
  parseFrame,
  RefCarrierSchema,
  type Role,
  type User,
  WatchlistClientMessageSchema,
  type WatchlistServerMessage,
  type WatchlistView,
} from "./protocol/index.ts";
import { countFrame, type FrameWindow, RATE_LIMITED_MESSAGE } from "./rate-limit.ts";
import { leastUsedColor, newList } from "./watchlist-list.ts";

type Stored = WatchlistView & { keyHash: string; created: number };
type ConnState = FrameWindow & { user: User; role: Role; focus: string | null };

const CREATE_BODY_BYTES = 16 * 1024;

export default class WatchlistRoom implements Party.Server {
  readonly options = { hibernate: true };

  /** The list as stored; null when this id has no list. */
  private list: Stored | null = null;
  /** Connections whose handshake (the edit key's hash) is still under way. */
  private readonly joining = new WeakMap<Party.Connection, Promise<void>>();

  constructor(readonly room: Party.Room) {}

  static async onBeforeConnect(
    req: Party.Request,
    lobby: Party.Lobby,
  ): Promise<Party.Request | Response> {
    const refused = refuseListId(lobby.id);
    if (refused) return refused;
    const name = new URL(req.url).searchParams.get("name");
    if (name !== null) {
      const checked = v.safeParse(DisplayNameSchema, name);
      if (!checked.success)
        return httpError(400, ErrorCode.badRequest, describeIssues(checked.issues));
    }
    // A missing list is refused here, with a status, so that no socket is opened for it.
    const party = lobby.parties.watchlist;
    const found = party ? await party.get(lobby.id).fetch({ method: "GET" }) : null;
    if (found?.status === 404)
      return httpError(404, ErrorCode.notFound, "there is no watchlist with this id");
    return req;
  }

  static onBeforeRequest(req: Party.Request, lobby: Party.Lobby): Party.Request | Response {
    return refuseListId(lobby.id) ?? req;
  }

  async onStart(): Promise<void> {
    await this.room.blockConcurrencyWhile(async () => {
      this.list = (await this.room.storage.get<Stored>("list")) ?? null;
    });
  }

  onRequest(req: Party.Request): Promise<Response> {
    return answered(req, this.respond(req));
  }

  private async respond(req: Party.Request): Promise<Response> {
    try {
      if (req.method === "OPTIONS") return preflight();
      if (req.method === "GET" || req.method === "HEAD") {
        return this.list
          ? json(viewOf(this.list))
          : httpError(404, ErrorCode.notFound, "there is no watchlist with this id");
      }
      if (req.method === "POST") return await this.create(req);
      return httpError(
        405,
        ErrorCode.methodNotAllowed,
        "use GET to read a list or POST to create one",
      );
    } catch (err) {
      return serverError("watchlist request", err);
    }
  }

  async onConnect(conn: Party.Connection<ConnState>, ctx: Party.ConnectionContext): Promise<void> {
    const joined = this.join(conn, ctx);
    this.joining.set(conn, joined);
    await joined;
    this.joining.delete(conn);
  }

  /** Gives a new connection its role, identity and first state. */
  private async join(
    conn: Party.Connection<ConnState>,
    ctx: Party.ConnectionContext,
  ): Promise<void> {
    const list = this.list;
    if (!list) {
      conn.close(4404, "there is no watchlist with this id");
      return;
    }
    const params = new URL(ctx.request.url).searchParams;
    const key = params.get("key");
    const role: Role =
      key !== null && safeEqual(await sha256(key), list.keyHash) ? "editor" : "viewer";
    const name = v.safeParse(DisplayNameSchema, params.get("name") ?? "");
    const id = randomToken(6);
    const taken: string[] = [];
    for (const other of this.room.getConnections<ConnState>()) {
      if (other.state) taken.push(other.state.user.color);
    }
    const user: User = {
      id,
      name: name.success ? name.output : "Guest",
      color: leastUsedColor(taken, id),
    };
    conn.setState({ window: 0, frames: 0, user, role, focus: null });
    conn.send(stateText(list, role, user));
    this.broadcastPresence();
  }

  async onMessage(
    message: string | ArrayBuffer | ArrayBufferView,
    sender: Party.Connection<ConnState>,
  ): Promise<void> {
    // A frame that arrives while the key is still being checked waits for the check.
    await this.joining.get(sender);
    const state = sender.state;
    const list = this.list;
    if (!state || !list) return;
    const { next, verdict } = countFrame(state, Date.now());
    sender.setState({ ...state, ...next });
    if (verdict === "close") {
      sender.close(CLOSE_POLICY, "too many frames");
      return;
    }
    if (verdict === "limited") {
      send(sender, {
        type: "error",
        code: ErrorCode.rateLimited,
        message: RATE_LIMITED_MESSAGE,
        ...refOf(message),
      });
      return;
    }
    const parsed = parseFrame(WatchlistClientMessageSchema, message);
    if (!parsed.ok) {
      send(sender, {
        type: "error",
        code: parsed.code,
        message: parsed.message,
        ...refOf(message),
      });
      return;
    }
    const msg = parsed.value;
    const ref = msg.ref === undefined ? {} : { ref: msg.ref };
    if (msg.type === "ping") {
      send(sender, { type: "pong", ...ref, serverTime: Date.now() });
      return;
    }
    if (msg.type === "focus") {
      sender.setState({ ...state, ...next, focus: msg.symbol });
      this.broadcastPresence();
      return;
    }
    const result = applyEdit(viewOf(list), msg, state.role);
    if (!result.ok) {
      send(sender, { type: "error", code: result.code, message: result.message, ...ref });
      return;
    }
    if (result.changed) {
      const stored: Stored = { ...list, ...result.list };
      this.list = stored;
      await this.room.storage.put("list", stored);
      this.broadcastState(stored);
    }
    if (msg.ref !== undefined)
      send(sender, { type: "ack", ref: msg.ref, version: result.list.version });
  }

  onClose(conn: Party.Connection): void {
    answerClose(conn);
    this.broadcastPresence();
  }

  onError(conn: Party.Connection): void {
    this.onClose(conn);
  }

  private async create(req: Party.Request): Promise<Response> {
    if (this.list)
      return httpError(409, ErrorCode.conflict, "a watchlist with this id exists already");
    const text = await readBody(req, CREATE_BODY_BYTES);
    if (text === null)
      return httpError(413, ErrorCode.tooLarge, `the body is over ${CREATE_BODY_BYTES} bytes`);
    let body: unknown = {};
    if (text.trim() !== "") {
      try {
        body = JSON.parse(text);
      } catch {
        return httpError(400, ErrorCode.badRequest, "the body is not valid JSON");
      }
    }
    const parsed = v.safeParse(CreateWatchlistSchema, body);
    if (!parsed.success) return httpError(400, ErrorCode.badRequest, describeIssues(parsed.issues));
    // Checked again after the body was read: another create may have won meanwhile.
    if (this.list)
      return httpError(409, ErrorCode.conflict, "a watchlist with this id exists already");
    const editKey = randomToken(16);
    const list: Stored = {
      ...newList(this.room.id, parsed.output.name, parsed.output.symbols),
      keyHash: await sha256(editKey),
      created: Date.now(),
    };
    this.list = list;
    await this.room.storage.put("list", list);
    return json({ id: list.id, editKey } satisfies CreatedWatchlist, 201);
  }

  private broadcastState(list: Stored): void {
    for (const conn of this.room.getConnections<ConnState>()) {
      const state = conn.state;
      if (!state) continue;
      try {
        conn.send(stateText(list, state.role, state.user));
      } catch {
        // A socket that is closing is not an error of the room.
      }
    }
  }

  private broadcastPresence(): void {
    const users: PresenceUser[] = [];
    const conns = [...this.room.getConnections<ConnState>()];
    for (const conn of conns) {
      const s = conn.state;
      if (s) users.push({ ...s.user, role: s.role, focus: s.focus });
    }
    const text = JSON.stringify({ type: "presence", users } satisfies WatchlistServerMessage);
    for (const conn of conns) {
      try {
        conn.send(text);
      } catch {
        // As above.
      }
    }
  }
}

function viewOf(list: Stored): WatchlistView {
  return { id: list.id, name: list.name, symbols: list.symbols, version: list.version };
}

function stateText(list: Stored, role: Role, you: User): string {
  return JSON.stringify({
    type: "state",
    v: PROTOCOL_VERSION,
    ...viewOf(list),
    role,
    you,
  } satisfies WatchlistServerMessage);
}

function send(conn: Party.Connection, message: WatchlistServerMessage): void {
  try {
    conn.send(JSON.stringify(message));
  } catch {
    // The socket closed under us; its close handler does the rest.
  }
}

function refuseListId(id: string): Response | null {
  const decoded = decodeRoomId(id);
  if (decoded !== null && isWatchlistId(decoded) && decoded === id) return null;
  return httpError(
    400,
    ErrorCode.badRequest,
    "a watchlist id is 16 to 64 letters, digits, dashes or underscores, chosen at random",
  );
}

/** The `ref` of a refused frame, when one can be read, so the error can echo it. */
function refOf(frame: string | ArrayBuffer | ArrayBufferView): { ref?: string } {
  if (typeof frame !== "string" || frame.length > LIMITS.frameBytes) return {};
  try {
    const carrier = v.safeParse(RefCarrierSchema, JSON.parse(frame));
    return carrier.success && carrier.output.ref !== undefined ? { ref: carrier.output.ref } : {};
  } catch {
    return {};
  }
}

function randomToken(bytes: number): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...raw))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
