/**
 * The ticker room under `npx partykit dev` (`partykit.json` names this file). It only adapts a
 * `Party.Room` to the room's core, `rooms/ticker/core.ts`, which decides everything; the
 * PartyServer Worker (`worker.ts`) runs the same core.
 */
import type * as Party from "partykit/server";
import { fromEdge } from "./rooms/edge-headers.ts";
import { partykitHost } from "./rooms/partykit-host.ts";
import {
  gateTickerConnect,
  gateTickerRequest,
  type TickerConnState,
  TickerCore,
} from "./rooms/ticker/core.ts";

/** partykit's request type is the Workers runtime's; the core reads only what both share. */
const asRequest = (req: Party.Request) => req as unknown as Request;
const asPartyRequest = (req: Request) => req as unknown as Party.Request;

/**
 * Marks the request an upgrade's `onBeforeConnect` sends the room to ask `admit`, since a room
 * under partykit cannot answer an upgrade with a status itself (and a socket it closes in
 * `onConnect` is never told: `partykit dev` drops that close). Clients cannot send it: it is
 * stripped from every request that reaches a room from outside.
 */
const ADMIT_PROBE = "x-tickerroom-admit";

/**
 * The request as the room gets it: with the client's key, for the cap on sockets per client,
 * and allowed to create the room. Budgets for new rooms are the Worker's; `partykit dev` is a
 * development tool.
 */
async function forRoom(req: Party.Request): Promise<Request> {
  const forwarded = await fromEdge(asRequest(req), true);
  forwarded.headers.delete(ADMIT_PROBE);
  return forwarded;
}

export default class TickerRoom implements Party.Server {
  /** An instance field: partykit 0.0.115 ignores the static form. */
  readonly options = { hibernate: true };
  private readonly core: TickerCore;

  constructor(readonly room: Party.Room) {
    this.core = new TickerCore(partykitHost<TickerConnState>(room));
  }

  static async onBeforeConnect(
    req: Party.Request,
    lobby: Party.Lobby,
  ): Promise<Party.Request | Response> {
    const refused = gateTickerConnect(asRequest(req), lobby.id);
    if (refused) return refused;
    const forwarded = await forRoom(req);
    const room = lobby.parties.ticker?.get(lobby.id);
    if (room) {
      const headers = new Headers(forwarded.headers);
      headers.delete("upgrade");
      headers.set(ADMIT_PROBE, "1");
      const admitted = await room.fetch({ method: "GET", headers });
      if (admitted.status !== 204) return admitted;
    }
    return asPartyRequest(forwarded);
  }

  static async onBeforeRequest(
    req: Party.Request,
    lobby: Party.Lobby,
  ): Promise<Party.Request | Response> {
    return gateTickerRequest(asRequest(req), lobby.id) ?? asPartyRequest(await forRoom(req));
  }

  async onStart(): Promise<void> {
    await this.room.blockConcurrencyWhile(() => this.core.start());
  }

  getConnectionTags(_conn: Party.Connection, ctx: Party.ConnectionContext): string[] {
    return this.core.tags(asRequest(ctx.request));
  }

  onConnect(conn: Party.Connection<TickerConnState>, ctx: Party.ConnectionContext): Promise<void> {
    return this.core.connect(conn, asRequest(ctx.request));
  }

  onMessage(
    message: string | ArrayBuffer | ArrayBufferView,
    sender: Party.Connection<TickerConnState>,
  ): void | Promise<void> {
    return this.core.message(sender, message);
  }

  onClose(conn: Party.Connection<TickerConnState>): Promise<void> {
    return this.core.close(conn);
  }

  onError(conn: Party.Connection<TickerConnState>): Promise<void> {
    return this.core.close(conn);
  }

  onAlarm(): Promise<void> {
    return this.core.alarm();
  }

  async onRequest(req: Party.Request): Promise<Response> {
    if (req.headers.get(ADMIT_PROBE) === "1") {
      return (await this.core.admit(asRequest(req))) ?? new Response(null, { status: 204 });
    }
    return this.core.request(asRequest(req));
  }
}
