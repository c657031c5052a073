/**
 * A watchlist room, whatever runs it: one list, edited together. Server-authoritative: edits
 * are applied in arrival order by the protocol's reducer, stored, then sent to everyone as the
 * whole state. Roles and presence live in connection state, which survives hibernation; the
 * list lives in storage. It talks to its platform only through `RoomHost`.
 */
import {
  answerClose,
  answered,
  httpError,
  json,
  preflight,
  readBody,
  serverError,
} from "../../http.ts";
import {
  applyEdit,
  CLOSE_POLICY,
  type CreatedWatchlist,
  ErrorCode,
  parseFrame,
  WatchlistClientMessageSchema,
  type WatchlistEdit,
  type WatchlistServerMessage,
} from "../../protocol/index.ts";
import { countFrame, type FrameWindow, RATE_LIMITED_MESSAGE } from "../../rate-limit.ts";
import type { Conn, RoomHost } from "../host.ts";
import { CREATE_BODY_BYTES, parseCreateBody } from "./create.ts";
import { LIST_KEY, newList, type StoredList, viewOf } from "./list.ts";
import { newUser, type Presence, presenceUsers } from "./presence.ts";
import { newEditKey, roleFor } from "./roles.ts";
import { randomToken } from "./secrets.ts";
import { refOf, send, sendText, stateText } from "./send.ts";

export { gateWatchlistConnect, gateWatchlistRequest } from "./gate.ts";

/** What the room knows of a connection: its frame budget and its presence. */
export type WatchlistConnState = FrameWindow & Presence;

type WatchlistConn = Conn<WatchlistConnState>;
type Frame = string | ArrayBuffer | ArrayBufferView;

/** Bytes in a user id: unique among the few people on one list, and not the client's choice. */
const USER_ID_BYTES = 6;
const NO_LIST = "there is no watchlist with this id";

export class WatchlistCore {
  /** The list as stored; null when this id has no list. A cache of storage, reloaded on start. */
  private list: StoredList | null = null;
  /** Connections whose handshake (the edit key's hash) is still under way. */
  private readonly joining = new WeakMap<WatchlistConn, Promise<void>>();

  constructor(private readonly host: RoomHost<WatchlistConnState>) {}

  async start(): Promise<void> {
    this.list = (await this.host.storage.get<StoredList>(LIST_KEY)) ?? null;
  }

  async connect(conn: WatchlistConn, url: string): Promise<void> {
    const joined = this.join(conn, url);
    this.joining.set(conn, joined);
    try {
      await joined;
    } finally {
      this.joining.delete(conn);
    }
  }

  async message(conn: WatchlistConn, data: Frame): Promise<void> {
    // A frame that arrives while the key is still being checked waits for the check.
    await this.joining.get(conn);
    const previous = conn.state;
    const list = this.list;
    if (!previous || !list) return;
    const { next, verdict } = countFrame(previous, Date.now());
    const state: WatchlistConnState = { ...previous, ...next };
    conn.setState(state);
    if (verdict === "close") {
      conn.close(CLOSE_POLICY, "too many frames");
      return;
    }
    if (verdict === "limited") {
      send(conn, {
        type: "error",
        code: ErrorCode.rateLimited,
        message: RATE_LIMITED_MESSAGE,
        ...refOf(data),
      });
      return;
    }
    const parsed = parseFrame(WatchlistClientMessageSchema, data);
    if (!parsed.ok) {
      send(conn, { type: "error", code: parsed.code, message: parsed.message, ...refOf(data) });
      return;
    }
    const msg = parsed.value;
    switch (msg.type) {
      case "ping":
        send(conn, { type: "pong", ...refField(msg.ref), serverTime: Date.now() });
        return;
      case "focus":
        conn.setState({ ...state, focus: msg.symbol });
        this.presenceChanged();
        return;
      default:
        await this.edit(conn, state, list, msg);
    }
  }

  close(conn: WatchlistConn): void {
    answerClose(conn);
    this.presenceChanged();
  }

  /** Never throws: a failure is logged and answered with a 500 that shows no internals. */
  request(req: Request): Promise<Response> {
    return answered(req, this.respond(req));
  }

  /** Gives a new connection its role, identity and first state. */
  private async join(conn: WatchlistConn, url: string): Promise<void> {
    const list = this.list;
    if (!list) {
      conn.close(4404, NO_LIST);
      return;
    }
    const params = new URL(url).searchParams;
    const role = await roleFor(params.get("key"), list.keyHash);
    const user = newUser(randomToken(USER_ID_BYTES), params.get("name"), this.present());
    conn.setState({ window: 0, frames: 0, user, role, focus: null });
    sendText(conn, stateText(viewOf(list), role, user));
    this.presenceChanged();
  }

  private async edit(
    conn: WatchlistConn,
    state: WatchlistConnState,
    list: StoredList,
    edit: WatchlistEdit,
  ): Promise<void> {
    const ref = refField(edit.ref);
    const result = applyEdit(viewOf(list), edit, state.role);
    if (!result.ok) {
      send(conn, { type: "error", code: result.code, message: result.message, ...ref });
      return;
    }
    if (result.changed) {
      const stored: StoredList = { ...list, ...result.list };
      // Set before the write, so that the next frame builds on this edit, not on the one before.
      this.list = stored;
      await this.host.storage.put(LIST_KEY, stored);
      this.broadcastState(stored);
    }
    if (edit.ref !== undefined)
      send(conn, { type: "ack", ref: edit.ref, version: result.list.version });
  }

  private async respond(req: Request): Promise<Response> {
    try {
      if (req.method === "OPTIONS") return preflight();
      if (req.method === "GET" || req.method === "HEAD") {
        return this.list ? json(viewOf(this.list)) : httpError(404, ErrorCode.notFound, NO_LIST);
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

  private async create(req: Request): Promise<Response> {
    if (this.list) return exists();
    const body = parseCreateBody(await readBody(req, CREATE_BODY_BYTES));
    if (!body.ok) return body.refusal;
    // Checked again after the body was read: another create may have won meanwhile.
    if (this.list) return exists();
    const { editKey, keyHash } = await newEditKey();
    const list: StoredList = {
      ...newList(this.host.id, body.value.name, body.value.symbols),
      keyHash,
      created: Date.now(),
    };
    this.list = list;
    await this.host.storage.put(LIST_KEY, list);
    return json({ id: list.id, editKey } satisfies CreatedWatchlist, 201);
  }

  /** The presence of every open socket; those still joining have none yet. */
  private present(): (Presence | null)[] {
    return [...this.host.connections()].map((c) => c.state);
  }

  private broadcastState(list: StoredList): void {
    const view = viewOf(list);
    for (const conn of this.host.connections()) {
      const state = conn.state;
      if (state) sendText(conn, stateText(view, state.role, state.user));
    }
  }

  /** Someone came, left or looked elsewhere: everyone gets the new presence. */
  private presenceChanged(): void {
    const conns = [...this.host.connections()];
    const users = presenceUsers(conns.map((c) => c.state));
    const text = JSON.stringify({ type: "presence", users } satisfies WatchlistServerMessage);
    for (const conn of conns) sendText(conn, text);
  }
}

function refField(ref: string | undefined): { ref?: string } {
  return ref === undefined ? {} : { ref };
}

function exists(): Response {
  return httpError(409, ErrorCode.conflict, "a watchlist with this id exists already");
}
