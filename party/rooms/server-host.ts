/** The `RoomHost` of a room run as a PartyServer Durable Object (party/worker.ts). */
import type { Connection } from "partyserver";
import type { Conn, RoomHost, RoomStorage, RoomStub } from "./host.ts";
import type { PartyName } from "./route.ts";

/** The parts of a PartyServer `Server` a host needs; `ctx` and `env` are protected there. */
type ServerParts = {
  readonly name: string;
  getConnections<T>(tag?: string): Iterable<Connection<T>>;
};

/** The Durable Object binding of each party (wrangler.jsonc). */
const BINDINGS: Record<PartyName, string> = { ticker: "Ticker", watchlist: "Watchlist" };

export function serverHost<S>(
  server: ServerParts,
  ctx: DurableObjectState,
  env: object,
): RoomHost<S> {
  const bindings = env as Record<string, unknown>;
  return {
    get id() {
      return server.name;
    },
    env: bindings,
    relays: bindings.TickerRelay !== undefined,
    storage: ctx.storage as unknown as RoomStorage,
    connections: (tag) => server.getConnections<S>(tag) as Iterable<Conn<S>>,
    room: (party: PartyName, id: string): RoomStub => ({
      fetch(req: Request): Promise<Response> {
        const namespace = bindings[BINDINGS[party]] as DurableObjectNamespace | undefined;
        if (!namespace) return Promise.reject(new Error(`no binding for the ${party} party`));
        // Addressed by name, as routePartykitRequest does, so `this.name` is the room id there.
        return namespace.get(namespace.idFromName(id)).fetch(req);
      },
    }),
  };
}
