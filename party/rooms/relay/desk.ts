/**
 * A ticker room's side of its relays: how many sockets it serves itself, which relays are
 * connected and what they last reported, and where the next socket goes (`plan.ts`). It keeps
 * the count of its own sockets as they come and go, since listing every socket on every upgrade
 * would make a reconnect storm quadratic; after a wake-up it counts them once.
 */
import type { Conn, RoomHost } from "../host.ts";
import { RELAY_TAG, type RelayLoadFrame } from "./link.ts";
import { type RelayLoad, type RelaySettings, relayFor, relaySettings } from "./plan.ts";

/** What a relay's socket in the ticker room carries across hibernation. */
export type RelayState = { shard: number; sockets: number; frames: number; sends: number };

type WithRelay = { relay?: RelayState };

export class RelayDesk<S extends WithRelay> {
  private readonly settings: RelaySettings | null;
  /** The room's own sockets, counted; null until first needed after a (re)start. */
  private direct: number | null = null;
  private readonly counted = new WeakSet<object>();
  /** Sockets sent to each shard that its reports have not counted yet: still on their way. */
  private readonly assigned = new Map<number, number>();

  constructor(
    private readonly host: RoomHost<S>,
    /** Whether the runtime hosts relay rooms (the Worker); off under `partykit dev`. */
    enabled: boolean,
  ) {
    this.settings = enabled ? relaySettings(host.env) : null;
  }

  /** Where a new socket goes: null to the room itself, or a relay's shard. */
  assign(): number | null {
    if (this.settings === null) return null;
    const shard = relayFor(this.settings, this.directCount(), this.loads(), this.assigned);
    if (shard !== null) this.assigned.set(shard, (this.assigned.get(shard) ?? 0) + 1);
    return shard;
  }

  /** A socket of the room's own opened. */
  joined(conn: Conn<S>): void {
    // A first count after a wake-up already finds the socket that just opened.
    const direct = this.directCount();
    if (this.counted.has(conn)) return;
    this.direct = direct + 1;
    this.counted.add(conn);
  }

  /** A socket closed (the runtime may say so twice: an error, then the close). */
  left(conn: Conn<S>): void {
    // A relay that went away takes what was on its way to it: its next link starts afresh.
    const relay = conn.state?.relay;
    if (relay) this.assigned.delete(relay.shard);
    if (!this.counted.delete(conn)) return;
    if (this.direct !== null) this.direct = Math.max(0, this.direct - 1);
  }

  /** A relay said what it holds. */
  report(conn: Conn<S>, frame: RelayLoadFrame): void {
    const relay = conn.state?.relay;
    if (!relay || !conn.state) return;
    // Only the upgrades that reached the relay: a report does not count those still on their
    // way (the Worker forwarding them), and a storm sends many.
    const due = (this.assigned.get(relay.shard) ?? 0) - frame.upgrades;
    if (due > 0) this.assigned.set(relay.shard, due);
    else this.assigned.delete(relay.shard);
    const { sockets, frames, sends } = frame;
    conn.setState({ ...conn.state, relay: { shard: relay.shard, sockets, frames, sends } });
  }

  /** For `?stats`: the room's own sockets and each relay's last report. */
  stats(): { direct: number; relays: RelayState[] } {
    const relays = [...this.relays()].sort((a, b) => a.shard - b.shard);
    return { direct: this.directCount(), relays };
  }

  private directCount(): number {
    if (this.direct !== null) return this.direct;
    let n = 0;
    for (const conn of this.host.connections()) {
      if (conn.state?.relay) continue;
      this.counted.add(conn);
      n++;
    }
    this.direct = n;
    return n;
  }

  private *relays(): Iterable<RelayState> {
    for (const conn of this.host.connections(RELAY_TAG)) {
      if (conn.state?.relay) yield conn.state.relay;
    }
  }

  private loads(): RelayLoad[] {
    return [...this.relays()].map(({ shard, sockets }) => ({ shard, sockets }));
  }
}
