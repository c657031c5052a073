/**
 * The PartyServer Worker: what `npm start` serves and `npm run deploy` ships. Both rooms are
 * SQLite-backed Durable Objects (wrangler.jsonc); `routePartykitRequest` keeps PartyKit's
 * `/parties/:party/:room` URLs, so partysocket clients do not change. The app is served as
 * static assets without waking the Worker; only `/parties/*` runs it. A shell: every decision
 * is in the room cores.
 */
import { type Connection, type ConnectionContext, routePartykitRequest, Server } from "partyserver";
import { httpError } from "./http.ts";
import { ErrorCode } from "./protocol/index.ts";
import { NO_ROOMS, roomOf } from "./rooms/route.ts";
import { serverHost } from "./rooms/server-host.ts";
import {
  gateTickerConnect,
  gateTickerRequest,
  type TickerConnState,
  TickerCore,
} from "./rooms/ticker/core.ts";
import {
  gateWatchlistConnect,
  gateWatchlistRequest,
  type WatchlistConnState,
  WatchlistCore,
} from "./rooms/watchlist/core.ts";

export interface Env {
  Ticker: DurableObjectNamespace<Ticker>;
  Watchlist: DurableObjectNamespace<Watchlist>;
  ASSETS: Fetcher;
  [setting: string]: unknown;
}

type WSMessage = string | ArrayBuffer | ArrayBufferView;

export class Ticker extends Server<Env> {
  static options = { hibernate: true };
  private readonly core = new TickerCore(serverHost<TickerConnState>(this, this.ctx, this.env));

  onStart(): Promise<void> {
    return this.core.start();
  }
  getConnectionTags(_conn: Connection, ctx: ConnectionContext): string[] {
    return this.core.tags(ctx.request.url);
  }
  onConnect(conn: Connection<TickerConnState>, ctx: ConnectionContext): Promise<void> {
    return this.core.connect(conn, ctx.request.url);
  }
  onMessage(conn: Connection<TickerConnState>, message: WSMessage): void | Promise<void> {
    return this.core.message(conn, message);
  }
  onClose(conn: Connection<TickerConnState>): Promise<void> {
    return this.core.close(conn);
  }
  onError(conn: Connection<TickerConnState>): Promise<void> {
    return this.core.close(conn);
  }
  onAlarm(): Promise<void> {
    return this.core.alarm();
  }
  onRequest(req: Request): Promise<Response> {
    return this.core.request(req);
  }
}

export class Watchlist extends Server<Env> {
  static options = { hibernate: true };
  private readonly core = new WatchlistCore(
    serverHost<WatchlistConnState>(this, this.ctx, this.env),
  );

  onStart(): Promise<void> {
    return this.core.start();
  }
  onConnect(conn: Connection<WatchlistConnState>, ctx: ConnectionContext): Promise<void> {
    return this.core.connect(conn, ctx.request.url);
  }
  onMessage(conn: Connection<WatchlistConnState>, message: WSMessage): Promise<void> {
    return this.core.message(conn, message);
  }
  async onClose(conn: Connection<WatchlistConnState>): Promise<void> {
    await this.core.close(conn);
  }
  async onError(conn: Connection<WatchlistConnState>): Promise<void> {
    await this.core.close(conn);
  }
  onRequest(req: Request): Promise<Response> {
    return this.core.request(req);
  }
}

export default {
  async fetch(req: Request, env: Env): Promise<Response> {
    const target = roomOf(new URL(req.url).pathname);
    if (!target) return httpError(404, ErrorCode.notFound, NO_ROOMS);
    const routed = await routePartykitRequest(req, env, {
      onBeforeConnect: async (req, lobby) => {
        if (target.party === "ticker") return gateTickerConnect(req, lobby.name) ?? req;
        const refused = gateWatchlistConnect(req, lobby.name);
        if (refused) return refused;
        // A missing list is refused here, with a status, so that no socket is opened for it.
        const room = env.Watchlist.get(env.Watchlist.idFromName(lobby.name));
        const found = await room.fetch(new Request(req.url, { method: "HEAD" }));
        if (found.status === 404) {
          return httpError(404, ErrorCode.notFound, "there is no watchlist with this id");
        }
        return req;
      },
      onBeforeRequest: (req, lobby) =>
        (target.party === "ticker"
          ? gateTickerRequest(req, lobby.name)
          : gateWatchlistRequest(req, lobby.name)) ?? req,
    });
    return routed ?? httpError(404, ErrorCode.notFound, NO_ROOMS);
  },
} satisfies ExportedHandler<Env>;
