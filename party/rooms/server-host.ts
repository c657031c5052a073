/** The `RoomHost` of a room run as a PartyServer Durable Object (party/worker.ts). */
import type { Connection } from "partyserver";
import type { Conn, RoomHost, RoomStorage } from "./host.ts";

/** The parts of a PartyServer `Server` a host needs; `ctx` and `env` are protected there. */
type ServerParts = {
  readonly name: string;
  getConnections<T>(tag?: string): Iterable<Connection<T>>;
};

export function serverHost<S>(
  server: ServerParts,
  ctx: DurableObjectState,
  env: object,
): RoomHost<S> {
  return {
    get id() {
      return server.name;
    },
    env: env as Record<string, unknown>,
    storage: ctx.storage as unknown as RoomStorage,
    connections: (tag) => server.getConnections<S>(tag) as Iterable<Conn<S>>,
  };
}
