/**
 * The watchlist room under `npx partykit dev` (named in `partykit.json`): it adapts PartyKit's
 * hooks to `WatchlistCore`, which decides everything.
 */
import type * as Party from "partykit/server";
import { fromEdge } from "./rooms/edge-headers.ts";
import type { Conn } from "./rooms/host.ts";
import { partykitHost } from "./rooms/partykit-host.ts";
import { type WatchlistConnState, WatchlistCore } from "./rooms/watchlist/core.ts";
import { gateWatchlistConnect, gateWatchlistRequest } from "./rooms/watchlist/gate.ts";

type Connection = Party.Connection<WatchlistConnState>;

export default class WatchlistRoom implements Party.Server {
  // An instance field: partykit 0.0.115 ignores the static form.
  readonly options = { hibernate: true };
  private readonly core: WatchlistCore;

  constructor(readonly room: Party.Room) {
    this.core = new WatchlistCore(partykitHost<WatchlistConnState>(room));
  }

  static async onBeforeConnect(
    req: Party.Request,
    lobby: Party.Lobby,
  ): Promise<Party.Request | Response> {
    const refused = gateWatchlistConnect(asRequest(req), lobby.id);
    if (refused) return refused;
    // A missing (or deleted) list is refused here, with the room's own 404, so that no socket
    // is opened.
    const party = lobby.parties.watchlist;
    const found = party ? await party.get(lobby.id).fetch({ method: "GET" }) : null;
    if (found?.status === 404) return found;
    return asPartyRequest(await fromEdge(asRequest(req), true));
  }

  static async onBeforeRequest(
    req: Party.Request,
    lobby: Party.Lobby,
  ): Promise<Party.Request | Response> {
    const refused = gateWatchlistRequest(asRequest(req), lobby.id);
    return refused ?? asPartyRequest(await fromEdge(asRequest(req), true));
  }

  async onStart(): Promise<void> {
    await this.room.blockConcurrencyWhile(() => this.core.start());
  }

  getConnectionTags(_conn: Connection, ctx: Party.ConnectionContext): string[] {
    return this.core.tags(asRequest(ctx.request));
  }

  onConnect(conn: Connection, ctx: Party.ConnectionContext): Promise<void> {
    return this.core.connect(asConn(conn), asRequest(ctx.request));
  }

  onMessage(message: string | ArrayBuffer | ArrayBufferView, sender: Connection): Promise<void> {
    return this.core.message(asConn(sender), message);
  }

  onClose(conn: Connection): void {
    this.core.close(asConn(conn));
  }

  onError(conn: Connection): void {
    this.core.close(asConn(conn));
  }

  onRequest(req: Party.Request): Promise<Response> {
    return this.core.request(asRequest(req));
  }

  onAlarm(): Promise<void> {
    return this.core.alarm();
  }
}

/** partykit types its requests with workers-types; at run time they are the Fetch API's. */
function asRequest(req: Party.Request): Request {
  return req as unknown as Request;
}

function asPartyRequest(req: Request): Party.Request {
  return req as unknown as Party.Request;
}

function asConn(conn: Connection): Conn<WatchlistConnState> {
  return conn as unknown as Conn<WatchlistConnState>;
}
