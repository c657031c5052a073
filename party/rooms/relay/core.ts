/**
 * A relay room: one shard of a hot symbol's audience (`plan.ts`). It holds a single socket to
 * the ticker room, a full-mode subscription like any other (`link.ts`), keeps a copy of the
 * room's history from its snapshot and ticks, and serves its own sockets exactly as the room
 * would: the same snapshots in either mode, the same `seq`, every tick frame forwarded at once,
 * quote frames at most once a second. Clients cannot tell it from the room. It stores nothing;
 * with no socket left it closes its link and goes away.
 *
 * A gap in the room's `seq` (which a relay never expects) is mended with a `resync`; a link
 * that drops is dialled again with jittered backoff, and everyone gets the fresh snapshot.
 */
import { answerClose, httpError } from "../../http.ts";
import { backoffDelay } from "../../market/backoff.ts";
import { History } from "../../market/history.ts";
import {
  CLOSE_POLICY,
  ErrorCode,
  LIMITS,
  parseTickerFrame,
  type Quote,
} from "../../protocol/index.ts";
import { FRESH_WINDOW, type FrameWindow } from "../../rate-limit.ts";
import { clientKey, clientTag } from "../edge-headers.ts";
import type { Conn, RoomHost } from "../host.ts";
import { socketsHeld, tooManySockets } from "../socket-cap.ts";
import { answerFrame, send, sendText } from "../ticker/client-frames.ts";
import { type Clock, systemClock } from "../ticker/clock.ts";
import { Fanout } from "../ticker/fanout.ts";
import { tickerMode } from "../ticker/gate.ts";
import { type SnapshotView, snapshotOf } from "../ticker/room.ts";
import type { RelayLoadFrame } from "./link.ts";
import { parseRelayName } from "./plan.ts";

export type RelayConnState = FrameWindow;
type RelayConn = Conn<RelayConnState>;

/** The relay's socket to its ticker room, as the runtime opened it. */
export interface ParentLink {
  send(text: string): void;
  close(): void;
}

export type LinkHandlers = { frame(text: string): void; closed(): void };
/** Opens the link to the ticker room of `symbol` as relay `shard`. */
export type OpenLink = (symbol: string, shard: number, on: LinkHandlers) => Promise<ParentLink>;

const REDIAL = { baseMs: 250, maxMs: 10_000 };
/** A relay tells its room what it holds and sent, when that changed, at most this often. */
export const REPORT_EVERY_MS = 1000;

type View = SnapshotView & { stale: boolean };

export class RelayCore {
  readonly counts = { linkFrames: 0, gaps: 0, dials: 0 };
  private view: View | null = null;
  /** A gap was seen: ticks wait for the snapshot the `resync` asked for. */
  private awaiting = false;
  private link: ParentLink | null = null;
  private dialling = false;
  private attempt = 0;
  private redialTimer: unknown = null;
  private reportTimer: unknown = null;
  private lastReportAt = Number.NEGATIVE_INFINITY;
  /** Upgrades that reached this relay since its last report: no longer on their way to it. */
  private upgrades = 0;
  private readonly fanout: Fanout<RelayConn>;

  constructor(
    private readonly host: RoomHost<RelayConnState>,
    private readonly open: OpenLink,
    private readonly clock: Clock = systemClock,
  ) {
    this.fanout = new Fanout<RelayConn>({
      clock,
      sockets: (mode) => host.connections(mode),
      frame: () => {
        const view = this.view;
        return (
          view && {
            symbol: view.symbol,
            seq: view.history.seq,
            quote: view.quote,
            status: view.status,
          }
        );
      },
      snapshot: (now, mode) => snapshotOf(this.ready(), now, mode),
    });
  }

  /** Woken with sockets still open (the link went with the last instance): dial again. */
  start(): void {
    if (this.watched()) this.dial();
  }

  tags(req: Request): string[] {
    return [tickerMode(req.url), clientTag(clientKey(req))];
  }

  /** As the ticker room does: 429 for a client already holding its share of sockets here. */
  admit(req: Request): Response | null {
    this.upgrades++;
    return socketsHeld(this.host, req) < LIMITS.socketsPerClient ? null : tooManySockets("room");
  }

  connect(conn: RelayConn, req: Request): void {
    conn.setState({ ...FRESH_WINDOW });
    this.dial();
    // Before the room's snapshot, a socket waits: that snapshot goes to everyone.
    if (this.view && !this.awaiting) sendText(conn, this.fanout.snapshotText(tickerMode(req.url)));
    this.reportSoon();
  }

  message(conn: RelayConn, data: string | ArrayBuffer | ArrayBufferView): void {
    const { window, answer } = answerFrame(conn.state, data, this.clock.now());
    conn.setState(window);
    if (answer.kind === "close") conn.close(CLOSE_POLICY, "too many frames");
    else if (answer.kind === "reply") send(conn, answer.message);
    else if (this.view && !this.awaiting) {
      sendText(conn, this.fanout.snapshotText(tickerMode(conn.uri)));
    }
  }

  close(conn: RelayConn): void {
    answerClose(conn);
    if (this.watched()) {
      this.reportSoon();
      return;
    }
    // Nobody left: the link goes, and with nothing pending the runtime lets the object go.
    this.fanout.stop();
    this.view = null;
    this.awaiting = false;
    this.clearTimers();
    const link = this.link;
    this.link = null;
    link?.close();
  }

  refuse(): Response {
    return httpError(404, ErrorCode.notFound, "relay rooms answer their own sockets only");
  }

  // -------------------------------------------------------------------------------------------
  // The link to the ticker room

  private dial(): void {
    if (this.link || this.dialling || this.redialTimer !== null) return;
    const name = parseRelayName(this.host.id);
    if (!name) throw new Error(`${this.host.id} is not a relay room's name`);
    this.dialling = true;
    this.counts.dials++;
    let link: ParentLink | null = null;
    const handlers: LinkHandlers = {
      frame: (text) => this.onFrame(text),
      closed: () => this.onClosed(link),
    };
    this.open(name.symbol, name.shard, handlers).then(
      (opened) => {
        this.dialling = false;
        link = opened;
        if (!this.watched()) {
          opened.close();
          return;
        }
        this.link = opened;
        this.report();
      },
      (err: unknown) => {
        this.dialling = false;
        console.error(`relay ${this.host.id}: could not reach its room`, err);
        this.redial();
      },
    );
  }

  private onClosed(link: ParentLink | null): void {
    if (link === null || this.link !== link) return;
    this.link = null;
    this.redial();
  }

  private redial(): void {
    if (!this.watched() || this.redialTimer !== null) return;
    const wait = backoffDelay(this.attempt++, REDIAL);
    this.redialTimer = this.clock.setTimeout(() => {
      this.redialTimer = null;
      this.dial();
    }, wait);
  }

  private onFrame(text: string): void {
    this.counts.linkFrames++;
    // The room is trusted, but a frame that is not what the protocol says changes nothing here.
    const msg = parseTickerFrame(text);
    if (msg === null) return;
    if (msg.type === "snapshot") {
      this.attempt = 0;
      this.awaiting = false;
      this.view = {
        symbol: msg.symbol,
        source: msg.source,
        history: new History(msg.candles, msg.ticks, msg.seq),
        quote: msg.quote,
        status: msg.status,
        stale: msg.quote?.stale === true,
      };
      this.fanout.invalidate();
      this.fanout.resync();
    } else if (msg.type === "ticks") {
      const view = this.view;
      if (!view || this.awaiting) return;
      if (msg.seq !== view.history.seq + msg.ticks.length) {
        this.counts.gaps++;
        this.awaiting = true;
        this.sendLink(JSON.stringify({ type: "resync" }));
        return;
      }
      view.history.append(msg.ticks);
      view.quote = msg.quote;
      this.fanout.forward(msg.ticks);
      this.reportSoon();
    } else if (msg.type === "status") {
      const view = this.view;
      if (!view) return;
      view.status = msg.status;
      view.stale = msg.stale;
      view.quote = view.quote && withStale(view.quote, msg.stale);
      this.fanout.status({ status: msg.status, stale: msg.stale });
    }
  }

  // -------------------------------------------------------------------------------------------
  // Reports

  private reportSoon(): void {
    if (this.reportTimer !== null) return;
    const wait = this.lastReportAt + REPORT_EVERY_MS - this.clock.now();
    if (wait <= 0) {
      this.report();
      return;
    }
    this.reportTimer = this.clock.setTimeout(() => {
      this.reportTimer = null;
      this.report();
    }, wait);
  }

  private report(): void {
    if (!this.link) return;
    this.lastReportAt = this.clock.now();
    let sockets = 0;
    for (const _ of this.host.connections()) sockets++;
    const { frames, sends } = this.fanout.counts;
    const upgrades = this.upgrades;
    const load: RelayLoadFrame = { type: "relay-load", sockets, upgrades, frames, sends };
    if (this.sendLink(JSON.stringify(load))) this.upgrades -= upgrades;
  }

  /** False when the link is closing: its close redials, and the next snapshot mends the rest. */
  private sendLink(text: string): boolean {
    try {
      this.link?.send(text);
      return this.link !== null;
    } catch {
      return false;
    }
  }

  private clearTimers(): void {
    for (const timer of [this.redialTimer, this.reportTimer]) {
      if (timer !== null) this.clock.clearTimeout(timer);
    }
    this.redialTimer = null;
    this.reportTimer = null;
    this.attempt = 0;
  }

  private ready(): View {
    if (!this.view) throw new Error("the relay has no snapshot of its room yet");
    return this.view;
  }

  private watched(): boolean {
    for (const _ of this.host.connections()) return true;
    return false;
  }
}

function withStale(quote: Quote, stale: boolean): Quote {
  if (stale) return { ...quote, stale: true };
  const { stale: _, ...rest } = quote;
  return rest;
}
