/**
 * The peer the rooms are measured against: the smallest fan-out server that does the same job
 * in plain Node with `ws`. Clients connect to `/SYMBOL`; the first client of a symbol makes the
 * peer subscribe to it on the feed (the same `subscribe` the rooms send), the last one leaving
 * closes that upstream. Each trade becomes one frame, serialised and UTF-8 encoded once, and
 * sent to every client of the symbol. No storage, no history, no coalescing, no limits.
 *
 * Frames carry the same `seq` and `ticks` fields as the rooms' `ticks` frames, so the same
 * clients measure both.
 */
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { type RawData, WebSocket, WebSocketServer } from "ws";
import { announce } from "./ipc.ts";
import { exitWithParent } from "./proc.ts";

type Room = { symbol: string; clients: Set<WebSocket>; seq: number; upstream: WebSocket | null };

const feedUrl = process.argv[2];
if (!feedUrl) throw new Error("usage: peer.ts FEED_URL");

const rooms = new Map<string, Room>();
const SYMBOL = /^\/([A-Z0-9][A-Z0-9.-]{0,14})$/;

function join(ws: WebSocket, req: IncomingMessage): void {
  const m = SYMBOL.exec(req.url ?? "");
  if (!m) {
    ws.close(1008, "use /SYMBOL");
    return;
  }
  const symbol = m[1] as string;
  let room = rooms.get(symbol);
  if (!room) {
    room = { symbol, clients: new Set(), seq: 0, upstream: null };
    rooms.set(symbol, room);
  }
  room.clients.add(ws);
  ws.send(JSON.stringify({ type: "snapshot", symbol, seq: room.seq }));
  if (!room.upstream) subscribe(room);
  const current = room;
  ws.on("close", () => {
    current.clients.delete(ws);
    if (current.clients.size === 0) {
      current.upstream?.close();
      current.upstream = null;
    }
  });
  ws.on("error", () => undefined);
}

function subscribe(room: Room): void {
  const up = new WebSocket(feedUrl as string, { perMessageDeflate: false });
  room.upstream = up;
  up.on("open", () => {
    up.send(
      JSON.stringify({
        type: "subscribe",
        product_ids: [room.symbol],
        channels: ["matches", "heartbeat"],
      }),
    );
  });
  up.on("message", (data: RawData) => {
    const msg = JSON.parse(data.toString()) as {
      type?: string;
      product_id?: string;
      time?: string;
      price?: string;
      size?: string;
    };
    if (msg.type !== "match" || msg.product_id !== room.symbol) return;
    room.seq++;
    const frame = Buffer.from(
      JSON.stringify({
        type: "ticks",
        symbol: room.symbol,
        seq: room.seq,
        ticks: [[Date.parse(msg.time ?? ""), Number(msg.price), Number(msg.size)]],
      }),
    );
    for (const client of room.clients) client.send(frame, { binary: false });
  });
  up.on("error", () => undefined);
}

exitWithParent();
const wss = new WebSocketServer({
  host: "127.0.0.1",
  port: 0,
  perMessageDeflate: false,
  clientTracking: false,
});
wss.on("connection", join);
wss.on("listening", () => announce({ port: (wss.address() as AddressInfo).port }));
