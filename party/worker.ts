/**
 * The PartyServer Worker: what `npm start` serves and `npm run deploy` ships. Both rooms are
 * SQLite-backed Durable Objects (wrangler.jsonc); `routePartykitRequest` keeps PartyKit's
 * `/parties/:party/:room` URLs, so partysocket clients do not change. The app is served as
 * static assets without waking the Worker; only `/parties/*` runs it. A shell: every decision
 * is in the room cores.
 */
import { type Connection, type ConnectionContext, routePartykitRequest, Server } from "partyserver";
import {
  BUDGETS,
  type Budget,
  type BudgetName,
  bindingBudget,
  edgeSettings,
  LocalBudget,
  overBudget,
  type RateLimitBinding,
  refuseOrigin,
  withoutWriteCors,
} from "./edge.ts";
import { answered, httpError } from "./http.ts";
import { ErrorCode } from "./protocol/index.ts";
import { clientAddressKey, fromEdge, NEEDS_CREATE_STATUS } from "./rooms/edge-headers.ts";
import { type RelayConnState, RelayCore } from "./rooms/relay/core.ts";
import { relayOf } from "./rooms/relay/link.ts";
import { relayName } from "./rooms/relay/plan.ts";
import { serverLink } from "./rooms/relay/server-link.ts";
import { NO_ROOMS, type PartyName, roomOf } from "./rooms/route.ts";
import { serverHost } from "./rooms/server-host.ts";
import {
  gateTickerConnect,
  gateTickerRequest,
  isUpgrade,
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
  TickerRelay: DurableObjectNamespace<TickerRelay>;
  ASSETS: Fetcher;
  LIST_BUDGET?: RateLimitBinding;
  ROOM_BUDGET?: RateLimitBinding;
  [setting: string]: unknown;
}

type WSMessage = string | ArrayBuffer | ArrayBufferView;

/**
 * Every room hibernates. PartyServer reads this from the class (`static options`: its
 * `resolveServerOptions` walks the constructors, and an instance field would leave a room awake
 * on in-memory sockets); the PartyKit classes (ticker.ts, watchlist.ts, main.ts) keep the
 * instance field that partykit reads.
 */
const HIBERNATE = { hibernate: true };

export class Ticker extends Server<Env> {
  static options = HIBERNATE;
  private readonly core = new TickerCore(serverHost<TickerConnState>(this, this.ctx, this.env));

  /**
   * Plain HTTP goes straight to the core, which starts itself: PartyServer's own start writes a
   * key, and a read (or a refused push) must write nothing. An upgrade is first admitted by the
   * core (the cap on sockets per client, the budget for new rooms), so that a refusal is a
   * status, not a socket.
   */
  override async fetch(req: Request): Promise<Response> {
    if (!isUpgrade(req)) return this.core.request(req);
    return (await this.core.admit(req)) ?? super.fetch(req);
  }
  onStart(): Promise<void> {
    return this.core.start();
  }
  getConnectionTags(_conn: Connection, ctx: ConnectionContext): string[] {
    return this.core.tags(ctx.request);
  }
  onConnect(conn: Connection<TickerConnState>, ctx: ConnectionContext): Promise<void> {
    return this.core.connect(conn, ctx.request);
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

/**
 * A shard of a hot symbol's audience: the Worker sends it the upgrades its ticker room hands on
 * (`rooms/relay/`). It answers nothing but its own sockets.
 */
export class TickerRelay extends Server<Env> {
  static options = HIBERNATE;
  private readonly core = new RelayCore(
    serverHost<RelayConnState>(this, this.ctx, this.env),
    serverLink(this.env.Ticker),
  );

  override async fetch(req: Request): Promise<Response> {
    if (!isUpgrade(req)) return this.core.refuse();
    return this.core.admit(req) ?? super.fetch(req);
  }
  onStart(): void {
    this.core.start();
  }
  getConnectionTags(_conn: Connection, ctx: ConnectionContext): string[] {
    return this.core.tags(ctx.request);
  }
  onConnect(conn: Connection<RelayConnState>, ctx: ConnectionContext): void {
    this.core.connect(conn, ctx.request);
  }
  onMessage(conn: Connection<RelayConnState>, message: WSMessage): void {
    this.core.message(conn, message);
  }
  onClose(conn: Connection<RelayConnState>): void {
    this.core.close(conn);
  }
  onError(conn: Connection<RelayConnState>): void {
    this.core.close(conn);
  }
}

export class Watchlist extends Server<Env> {
  static options = HIBERNATE;
  private readonly core = new WatchlistCore(
    serverHost<WatchlistConnState>(this, this.ctx, this.env),
  );

  /**
   * Plain HTTP goes straight to the core, so that a read (or a refused write) of a list that
   * does not exist never makes PartyServer store its bookkeeping for it; an upgrade is admitted
   * by the core (404, or 429 over the socket cap) before PartyServer opens a socket.
   */
  async fetch(req: Request): Promise<Response> {
    if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") return this.core.request(req);
    return (await this.core.admit(req)) ?? super.fetch(req);
  }
  onStart(): Promise<void> {
    return this.core.start();
  }
  getConnectionTags(_conn: Connection, ctx: ConnectionContext): string[] {
    return this.core.tags(ctx.request);
  }
  onConnect(conn: Connection<WatchlistConnState>, ctx: ConnectionContext): Promise<void> {
    return this.core.connect(conn, ctx.request);
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
  onAlarm(): Promise<void> {
    return this.core.alarm();
  }
}

/** Budgets kept in memory where the runtime has no rate limiting binding. */
const localBudgets = {
  lists: new LocalBudget(BUDGETS.lists.limit, BUDGETS.lists.periodMs),
  rooms: new LocalBudget(BUDGETS.rooms.limit, BUDGETS.rooms.periodMs),
};

function budget(env: Env, name: BudgetName): Budget {
  const binding = name === "lists" ? env.LIST_BUDGET : env.ROOM_BUDGET;
  return binding ? bindingBudget(binding) : localBudgets[name];
}

function route(req: Request, env: Env, party: PartyName): Promise<Response | null> {
  return routePartykitRequest(req, env, {
    onBeforeConnect: async (req, lobby) => {
      if (party === "ticker") return gateTickerConnect(req, lobby.name) ?? req;
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
    onBeforeRequest: (req, lobby) => {
      const refused =
        party === "ticker"
          ? gateTickerRequest(req, lobby.name)
          : gateWatchlistRequest(req, lobby.name);
      // A refusal drains the body first: answered unread, the client's connection would drop.
      return refused ? answered(req, refused) : req;
    },
  });
}

/** Everything between the socket and the rooms; early answers drain the body they refuse. */
async function handle(req: Request, env: Env): Promise<Response> {
  const target = roomOf(new URL(req.url).pathname);
  if (!target) return answered(req, httpError(404, ErrorCode.notFound, NO_ROOMS));
  const settings = edgeSettings(env);
  const refused = refuseOrigin(req, settings);
  if (refused) return answered(req, refused);
  const client = await clientAddressKey(req);
  const creating = target.party === "watchlist" && req.method === "POST";
  if (settings.budgets && creating && !(await budget(env, "lists").allow(client))) {
    return answered(req, overBudget("lists"));
  }
  // Only an upgrade can be asked to spend the budget for a new room, and it has no body.
  const upgrade = req.headers.get("upgrade")?.toLowerCase() === "websocket";
  const first = await fromEdge(upgrade ? req.clone() : req, !settings.budgets);
  let res = await route(first, env, target.party);
  if (upgrade && res?.status === NEEDS_CREATE_STATUS) {
    if (!(await budget(env, "rooms").allow(client))) return overBudget("rooms");
    res = await route(await fromEdge(req, true), env, target.party);
  }
  // The ticker room has its share of sockets: a relay of it takes this one.
  const shard = upgrade && res ? relayOf(res) : null;
  if (shard !== null) {
    const relay = env.TickerRelay.get(env.TickerRelay.idFromName(relayName(target.room, shard)));
    return relay.fetch(await fromEdge(req, !settings.budgets));
  }
  return res ?? httpError(404, ErrorCode.notFound, NO_ROOMS);
}

export default {
  async fetch(req: Request, env: Env): Promise<Response> {
    return withoutWriteCors(req, await handle(req, env));
  },
} satisfies ExportedHandler<Env>;
