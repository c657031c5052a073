/**
 * The ticker room under `npx partykit dev` (`partykit.json` names this file). It only adapts a
 * `Party.Room` to the room's core, `rooms/ticker/core.ts`, which decides everything; the
 * PartyServer Worker (`worker.ts`) runs the same core.
 */
import type * as Party from "partykit/server";
import { partykitHost } from "./rooms/partykit-host.ts";
import {
  gateTickerConnect,
  gateTickerRequest,
  type TickerConnState,
  TickerCore,
} from "./rooms/ticker/core.ts";

/** partykit's request type is the Workers runtime's; the core reads only what both share. */
const asRequest = (req: Party.Request) => req as unknown as Request;

export default class TickerRoom implements Party.Server {
  /** An instance field: partykit 0.0.115 ignores the static form. */
  readonly options = { hibernate: true };
  private readonly core: TickerCore;

  constructor(readonly room: Party.Room) {
    this.core = new TickerCore(partykitHost<TickerConnState>(room));
  }

  static onBeforeConnect(req: Party.Request, lobby: Party.Lobby): Party.Request | Response {
    return gateTickerConnect(asRequest(req), lobby.id) ?? req;
  }

  static onBeforeRequest(req: Party.Request, lobby: Party.Lobby): Party.Request | Response {
    return gateTickerRequest(asRequest(req), lobby.id) ?? req;
  }

  async onStart(): Promise<void> {
    await this.room.blockConcurrencyWhile(() => this.core.start());
  }

  getConnectionTags(_conn: Party.Connection, ctx: Party.ConnectionContext): string[] {
    return this.core.tags(ctx.request.url);
  }

  onConnect(conn: Party.Connection<TickerConnState>, ctx: Party.ConnectionContext): Promise<void> {
    return this.core.connect(conn, ctx.request.url);
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

  onRequest(req: Party.Request): Promise<Response> {
    return this.core.request(asRequest(req));
  }
}
