/** The `RoomHost` of a room run by `partykit dev`: its `Party.Room`, as the cores see it. */
import type * as Party from "partykit/server";
import type { Conn, RoomHost, RoomStorage } from "./host.ts";

export function partykitHost<S>(room: Party.Room): RoomHost<S> {
  return {
    // Read lazily: partykit throws on `room.id` inside an alarm.
    get id() {
      return room.id;
    },
    env: room.env,
    storage: room.storage as unknown as RoomStorage,
    connections: (tag) => room.getConnections<S>(tag) as Iterable<Conn<S>>,
  };
}
