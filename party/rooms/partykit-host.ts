/** The `RoomHost` of a room run by `partykit dev`: its `Party.Room`, as the cores see it. */
import type * as Party from "partykit/server";
import type { Conn, RoomHost, RoomStorage, RoomStub } from "./host.ts";
import type { PartyName } from "./route.ts";

type Parties = Party.Context["parties"];

export function partykitHost<S>(room: Party.Room): RoomHost<S> {
  // partykit throws on `room.context.parties` inside an alarm, and before its first request:
  // the stubs are kept from the first time they can be read.
  let parties: Parties | null = null;
  const reachable = (): Parties => {
    parties ??= room.context.parties;
    return parties;
  };
  try {
    reachable();
  } catch {
    // Read again when a request needs them.
  }
  return {
    // Read lazily: partykit throws on `room.id` inside an alarm.
    get id() {
      return room.id;
    },
    env: room.env,
    storage: room.storage as unknown as RoomStorage,
    connections: (tag) => room.getConnections<S>(tag) as Iterable<Conn<S>>,
    room: (party: PartyName, id: string): RoomStub => ({
      async fetch(req: Request): Promise<Response> {
        const stub = reachable()[party]?.get(id);
        if (!stub) throw new Error(`no party ${party} to reach`);
        // partykit's stub takes a path under the room's own URL, which it builds.
        const { search } = new URL(req.url);
        const res = await stub.fetch(`/${search}`, {
          method: req.method,
          headers: Object.fromEntries(req.headers),
          body: req.method === "GET" || req.method === "HEAD" ? undefined : await req.text(),
        });
        return res as unknown as Response;
      },
    }),
  };
}
