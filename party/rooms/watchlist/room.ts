/**
 * What every handler of a watchlist room works with: its platform, its clock, the list as loaded
 * (`list-cache.ts`) and the parts that pace and deliver what the list says. One object, built by
 * `WatchlistCore`, so that a handler takes the room and the connection it answers, and no more.
 */
import type { WatchlistClientMessage } from "../../protocol/index.ts";
import type { FrameWindow } from "../../rate-limit.ts";
import type { Conn, RoomHost } from "../host.ts";
import type { Clock } from "../ticker/clock.ts";
import type { AlertOutbox } from "./alert-outbox.ts";
import type { CrosshairBoard } from "./crosshairs.ts";
import type { ListCache } from "./list-cache.ts";
import type { Presence } from "./presence.ts";
import type { Throttle } from "./throttle.ts";

/** What the room knows of a connection: its frame budget and its presence. */
export type WatchlistConnState = FrameWindow & Presence;

export type WatchlistConn = Conn<WatchlistConnState>;

export type Frame = string | ArrayBuffer | ArrayBufferView;

export type ClientFrame<T extends WatchlistClientMessage["type"]> = Extract<
  WatchlistClientMessage,
  { type: T }
>;

export type Room = {
  readonly host: RoomHost<WatchlistConnState>;
  readonly clock: Clock;
  readonly cache: ListCache;
  /** Tells the ticker rooms of every change to the armed alerts. */
  readonly outbox: AlertOutbox;
  readonly crosshairs: CrosshairBoard;
  /** Paces `presence` frames. */
  readonly presence: Throttle;
  /** Paces `crosshairs` frames. */
  readonly crosshairPace: Throttle;
  /** Runs one change to the list after those before it, so each builds on the last one stored. */
  exclusive<T>(change: () => Promise<T>): Promise<T>;
};
