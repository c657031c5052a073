/**
 * A relay room's link to its ticker room in memory: a socket on the ticker room's `FakeRoom`,
 * carried the way the platform would carry it. It stands in for the platform, not for
 * anything under test. Frames cross it, both ways and in order, only when `pump` is called
 * (`RelayWorld` does, whenever it lets the rooms run): that is what lets a test lose a frame,
 * slow the room's frames down, or close the link from either side.
 */
import type { TickerServerMessage } from "../../party/protocol/index.ts";
import type { LinkHandlers, ParentLink, RelayCore } from "../../party/rooms/relay/core.ts";
import type { TickerConnState, TickerCore } from "../../party/rooms/ticker/core.ts";
import type { FakeConnection } from "./fake-room.ts";

/** A relay's socket to the ticker room, as the platform would carry it. */
export class Link implements ParentLink {
  /** Set by a test: the next room frame it matches is lost on the way to the relay. */
  lose: ((frame: TickerServerMessage) => boolean) | null = null;
  /** While set, the room's frames wait on the way (a slow network). */
  slow = false;
  private delivered = 0;
  private readonly outbox: string[] = [];
  /** Closed by the relay (or its instance went): the relay hears nothing more of it. */
  private byRelay = false;
  /** The ticker room heard of the close (or its instance went with its sockets). */
  roomTold = false;
  private relayTold = false;

  constructor(
    /** The ticker room's instance of the moment. */
    private readonly room: () => TickerCore,
    readonly conn: FakeConnection<TickerConnState>,
    readonly owner: RelayCore,
    private readonly on: LinkHandlers,
  ) {}

  send(text: string): void {
    if (!this.byRelay) this.outbox.push(text);
  }

  close(): void {
    this.byRelay = true;
    this.conn.close(1000, "relay empty");
  }

  /** The ticker room's runtime drops the socket (a network fault, the room going away). */
  cut(): void {
    this.conn.close(1006, "link lost");
  }

  /** The relay's instance is gone: the runtime closes its socket. */
  gone(): void {
    this.byRelay = true;
    this.conn.close(1006, "relay gone");
  }

  /** Moves across whatever waits on either side; true when something did. */
  async pump(): Promise<boolean> {
    let moved = false;
    while (!this.slow && this.delivered < this.conn.sent.length) {
      const text = (this.conn.sent[this.delivered++] as { text: string }).text;
      moved = true;
      if (this.byRelay) continue;
      if (this.lose?.(JSON.parse(text) as TickerServerMessage)) {
        this.lose = null;
        continue;
      }
      this.on.frame(text);
    }
    for (let text = this.outbox.shift(); text !== undefined; text = this.outbox.shift()) {
      moved = true;
      if (this.conn.open) this.room().message(this.conn, text);
    }
    if (!this.conn.open && !this.roomTold) {
      this.roomTold = true;
      moved = true;
      await this.room().close(this.conn);
    }
    if (!this.conn.open && !this.byRelay && !this.relayTold) {
      this.relayTold = true;
      moved = true;
      this.on.closed();
    }
    return moved;
  }
}
