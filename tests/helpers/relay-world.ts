/**
 * A ticker room and its relay rooms in memory, joined as the Worker joins them: the real
 * `TickerCore` and the real `RelayCore`s, each on its own `FakeRoom` and `FakeClock`. A client's
 * upgrade is admitted by the ticker room and, when that answers `RELAY_STATUS`, by the relay it
 * names; a relay's link is a socket on the ticker room's host opened with `relayUpgrade`, so
 * that the room's admit, tags and connect run for it as on the Worker.
 *
 * Links (`relay-link.ts`) carry frames only when the test lets the rooms run (`settle`,
 * `advance`), so that a test decides what arrives before what.
 */
import { afterEach, beforeEach, expect, vi } from "vitest";
import type { Tick, TickerServerMessage } from "../../party/protocol/index.ts";
import { CLIENT_HEADER, CREATE_HEADER } from "../../party/rooms/edge-headers.ts";
import { type LinkHandlers, type RelayConnState, RelayCore } from "../../party/rooms/relay/core.ts";
import type { RelayState } from "../../party/rooms/relay/desk.ts";
import { relayOf, relayUpgrade } from "../../party/rooms/relay/link.ts";
import { relayName } from "../../party/rooms/relay/plan.ts";
import { type TickerConnState, TickerCore } from "../../party/rooms/ticker/core.ts";
import {
  FakeClock,
  type FakeConnection,
  FakeRoom,
  type RoomCore,
  upgradeRequest,
} from "./fake-room.ts";
import { Link } from "./relay-link.ts";
import { readFrames, type Subscriber, subscriber } from "./ticker-client.ts";

export const RELAY_TOKEN = "relay-token";
const START = Date.UTC(2026, 9, 14, 15, 7, 23, 417);
/** Time passes in steps this long, every room's timers and the links' frames in between. */
const STEP_MS = 10;

/** The Worker's runtime: it hosts relay rooms. */
class RelayingRoom<S> extends FakeRoom<S> {
  readonly relays = true;
}

/** A relay instance: its core, its timers, and the shell's hooks as the Worker has them. */
type RelayInstance = { core: RelayCore; clock: FakeClock; runtime: RoomCore<RelayConnState> };
/** A relay room; `now` is its instance of the moment. */
export type Shard = { room: FakeRoom<RelayConnState>; now: RelayInstance };

/** A subscriber, and where the edge placed it: the ticker room itself, or a relay's shard. */
export type Client = Subscriber & { at: "room" | number };

/** For a test file: each core runs its timers on its own `FakeClock`, the date follows them. */
export function onWorldTime(): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(START);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });
}

export type RoomStats = { subscribers: number; direct: number; relays: RelayState[] };

export class RelayWorld {
  readonly ticker: FakeRoom<TickerConnState>;
  tickerClock: FakeClock;
  tickerCore: TickerCore;
  readonly shards = new Map<number, Shard>();
  readonly links: Link[] = [];
  /** Dials the ticker room fails from now on, each as `serverLink` fails one. */
  refuseDials = 0;
  /** While set, dials wait for it before they reach the ticker room. */
  held: Promise<void> | null = null;
  private opening = 0;
  private now = Date.now();
  private named = 0;
  private lastTick: number;

  /** `hostsRelays: false`: a runtime without relay rooms (`partykit dev`). */
  constructor(
    readonly symbol: string,
    env: Record<string, string> = {},
    { hostsRelays = true } = {},
  ) {
    const options = {
      env: { INGEST_TOKEN: RELAY_TOKEN, RELAY_AFTER: "2", RELAY_SIZE: "2", ...env },
    };
    this.ticker = hostsRelays ? new RelayingRoom(symbol, options) : new FakeRoom(symbol, options);
    this.tickerClock = new FakeClock(this.now);
    this.tickerCore = new TickerCore(this.ticker, this.tickerClock);
    this.lastTick = this.now - 60_000;
  }

  /** Relay `n`, its room made the first time it is named. */
  shard(n: number): Shard {
    const known = this.shards.get(n);
    if (known) return known;
    const room = new FakeRoom<RelayConnState>(relayName(this.symbol, n), { env: this.ticker.env });
    const shard = { room, now: this.relayInstance(room) };
    this.shards.set(n, shard);
    return shard;
  }

  /** The ticker room's answer to a client's upgrade: it keeps it, hands it to a relay, or refuses. */
  async admit(as: string, mode: Client["mode"] = "full"): Promise<Client["at"] | Response> {
    const answer = await this.tickerCore.admit(upgradeRequest(this.path(mode), this.headers(as)));
    return answer === null ? "room" : (relayOf(answer) ?? answer);
  }

  /** The upgrade arrives where `admit` placed it: a relay admits it too, as the Worker asks it. */
  async connect(
    at: Client["at"],
    as: string,
    mode: Client["mode"] = "full",
  ): Promise<Client | Response> {
    const path = this.path(mode);
    const headers = this.headers(as);
    let conn: FakeConnection<unknown>;
    if (at === "room") conn = await this.ticker.connect(this.tickerCore, path, headers);
    else {
      const relay = this.shard(at).now;
      const refused = relay.core.admit(upgradeRequest(path, headers));
      if (refused) return refused;
      conn = await this.shard(at).room.connect(relay.runtime, path, headers);
    }
    return { ...subscriber(as, mode, conn), at };
  }

  /** A client opens the room's URL, as a browser would. */
  async open(mode: Client["mode"] = "full"): Promise<Client> {
    const as = `client-${++this.named}`;
    const at = await this.admit(as, mode);
    const client = at instanceof Response ? at : await this.connect(at, as, mode);
    if (client instanceof Response) throw new Error(`${as} was refused with ${client.status}`);
    return client;
  }

  /** A frame from the client, to the room that holds its socket. */
  send(c: Client, data: string | ArrayBuffer | ArrayBufferView): void {
    // The runtime delivers nothing from a socket that was closed.
    if (!c.conn.open) return;
    const conn = c.conn as FakeConnection<never>;
    if (c.at === "room") this.tickerCore.message(conn, data);
    else this.shard(c.at).now.core.message(conn, data);
  }

  async leave(c: Client): Promise<void> {
    const conn = c.conn as FakeConnection<never>;
    if (c.at === "room") await this.ticker.disconnect(this.tickerCore, conn);
    else await this.shard(c.at).room.disconnect(this.shard(c.at).now.runtime, conn);
  }

  /** The client reads what has arrived (`readFrames`). */
  read(c: Client): TickerServerMessage[] {
    return readFrames(c);
  }

  /** `n` ticks after the last ones made, a few ms apart, for a push. */
  ticks(n: number): Tick[] {
    const from = this.lastTick;
    this.lastTick += 7 * n;
    return Array.from({ length: n }, (_, i): Tick => [from + 7 * (i + 1), 100 + i / 100, 1]);
  }

  /** Pushes `ticks` with the ingest token and lets the rooms pass them on; the room's new seq. */
  async push(ticks: Tick[]): Promise<number> {
    const res = await this.tickerCore.request(
      new Request(`http://localhost${this.path("full")}`, {
        method: "POST",
        headers: { authorization: `Bearer ${RELAY_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ ticks }),
      }),
    );
    expect(res.status, await res.clone().text()).toBe(200);
    const { seq } = (await res.json()) as { seq: number };
    await this.settle();
    return seq;
  }

  /** Pushes `n` ticks, which each full-mode client must get next, in frames; the new seq. */
  async pushSeenBy(clients: Client[], n: number): Promise<number> {
    const ticks = this.ticks(n);
    const seq = await this.push(ticks);
    for (const c of clients) {
      const had = c.ticks.length;
      readFrames(c);
      if (c.mode === "full") expect(c.ticks.slice(had), `${c.name}'s ticks`).toEqual(ticks);
    }
    return seq;
  }

  async stats(): Promise<RoomStats> {
    const url = `http://localhost${this.path("full")}?stats`;
    const req = new Request(url, { headers: { authorization: `Bearer ${RELAY_TOKEN}` } });
    return (await (await this.tickerCore.request(req)).json()) as RoomStats;
  }

  /** Dials wait (at the platform, before reaching the room) until the returned call. */
  holdDials(): () => void {
    let release = () => {};
    this.held = new Promise<void>((resolve) => (release = resolve)).then(() => {
      this.held = null;
    });
    return release;
  }

  /** Lets the rooms and links run until nothing moves. */
  async settle(): Promise<void> {
    for (let round = 0; round < 1000; round++) {
      await new Promise((resolve) => setImmediate(resolve));
      let moved = false;
      for (const link of [...this.links]) if (await link.pump()) moved = true;
      if (!moved && (this.opening === 0 || this.held)) return;
    }
    throw new Error("the rooms kept talking for 1,000 rounds");
  }

  /** Lets `ms` of time pass in short steps: every room's timers, the alarm, the links. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    while (this.now < end) {
      const step = Math.min(STEP_MS, end - this.now);
      this.now += step;
      vi.setSystemTime(this.now);
      this.tickerClock.advance(step);
      for (const shard of this.shards.values()) shard.now.clock.advance(step);
      await this.ticker.fireAlarm(this.tickerCore);
      await this.settle();
    }
  }

  /**
   * The ticker room's instance goes, timers and all, and a fresh one wakes over the same
   * storage: with its sockets still open (hibernation), or with all of them dropped (a deploy).
   */
  async restartTicker(options: { dropSockets?: boolean } = {}): Promise<void> {
    if (options.dropSockets) {
      for (const conn of this.ticker.connections()) conn.close(1012, "restarting");
      for (const link of this.links) link.roomTold = true;
    }
    this.tickerClock = new FakeClock(this.now);
    this.tickerCore = new TickerCore(this.ticker, this.tickerClock);
    await this.tickerCore.start();
    await this.settle();
  }

  /** Relay `n`'s instance goes, its link with it; a fresh one wakes over the same sockets. */
  async restartRelay(n: number): Promise<void> {
    const shard = this.shard(n);
    for (const link of this.links) if (link.owner === shard.now.core) link.gone();
    shard.now = this.relayInstance(shard.room);
    await shard.now.runtime.start();
    await this.settle();
  }

  private relayInstance(room: FakeRoom<RelayConnState>): RelayInstance {
    const clock = new FakeClock(this.now);
    const core: RelayCore = new RelayCore(room, (...a) => this.dial(core, ...a), clock);
    // The Worker's `TickerRelay` shell: every hook straight to the core.
    const runtime: RoomCore<RelayConnState> = {
      start: async () => core.start(),
      tags: (req) => core.tags(req),
      connect: async (conn, req) => core.connect(conn, req),
      close: async (conn) => core.close(conn),
      alarm: async () => {},
    };
    return { core, clock, runtime };
  }

  /** `OpenLink` for `owner`, as `serverLink` opens one through the room's stub. */
  private async dial(owner: RelayCore, symbol: string, n: number, on: LinkHandlers) {
    this.opening++;
    try {
      await this.held;
      const req = relayUpgrade(symbol, n);
      const core = this.tickerCore;
      const refused = this.refuseDials > 0 ? { status: 503 } : await core.admit(req);
      this.refuseDials = Math.max(0, this.refuseDials - 1);
      if (refused) throw new Error(`the ${symbol} room answered the relay with ${refused.status}`);
      const url = new URL(req.url);
      const headers = Object.fromEntries(req.headers);
      const conn = await this.ticker.connect(core, url.pathname + url.search, headers);
      const link = new Link(() => this.tickerCore, conn, owner, on);
      this.links.push(link);
      return link;
    } finally {
      this.opening--;
    }
  }

  private path(mode: Client["mode"]): string {
    return `/parties/ticker/${this.symbol}${mode === "quote" ? "?mode=quote" : ""}`;
  }

  private headers(as: string): Record<string, string> {
    return { [CLIENT_HEADER]: as, [CREATE_HEADER]: "1" };
  }
}
