/**
 * What the rooms cost a month on Cloudflare's published prices (`prices.ts`), in three pure
 * steps: what one room does in a minute, times rooms and minutes, is the month's usage; usage
 * less the account's included amounts is dollars; and scenario builders say how many rooms of
 * which kind a situation needs, every assumption a named parameter with a default.
 */
import {
  GB_PER_AWAKE_OBJECT,
  PLAN,
  PRICES,
  type PriceName,
  type Prices,
  WS_MESSAGES_PER_REQUEST,
} from "./prices.ts";

/** The month the model bills: 30 days, as Cloudflare's own worked examples count it. */
export const MONTH_DAYS = 30;
export const MONTH_MINUTES = MONTH_DAYS * 24 * 60;
export const MONTH_SECONDS = MONTH_MINUTES * 60;
/** Stored data is billed per GB-month; a GB here is 10^9 bytes. */
export const BYTES_PER_GB = 1e9;
/**
 * CPU time of the Worker in front of the rooms, per request it handles: it only checks the
 * request and hands it to a room. An estimate, not a measurement.
 */
export const WORKER_CPU_MS_PER_REQUEST = 1;

/** What one room does in one minute, on average. All rates, except `storedBytes`. */
export type RoomMinute = {
  /** HTTP requests and WebSocket upgrades that reach the room, each through the Worker. */
  requests: number;
  /** WebSocket messages the room receives (protocol pings are not messages here). */
  wsMessagesIn: number;
  /** `setAlarm()` calls: a row written each. */
  alarmsSet: number;
  /** Alarms that ran: a request each. */
  alarmsRun: number;
  /**
   * Upgrades the room handed on to a relay room: a request to this room that is no Worker
   * request of its own (the Worker's is counted at the relay, which serves the socket).
   */
  handoffs?: number;
  /** Rows written by storage calls (puts and deletes), not counting alarms. */
  rowsWritten: number;
  rowsRead: number;
  /** Seconds of the minute the room was in memory and could not hibernate. */
  awakeSeconds: number;
  /** Seconds of the minute with an outbound socket open, which keeps the room awake. */
  outboundSocketSeconds: number;
  /** Bytes the room holds in storage: a level, held all month. */
  storedBytes: number;
};

export const IDLE_MINUTE: RoomMinute = {
  requests: 0,
  wsMessagesIn: 0,
  alarmsSet: 0,
  alarmsRun: 0,
  rowsWritten: 0,
  rowsRead: 0,
  awakeSeconds: 0,
  outboundSocketSeconds: 0,
  storedBytes: 0,
};

/** Rooms that behave alike. */
export type RoomGroup = { label: string; rooms: number; perMinute: RoomMinute };

/** One month of an account's usage, in the units Cloudflare counts. */
export type Usage = {
  workerRequests: number;
  workerCpuMs: number;
  /** HTTP requests, WebSocket upgrades and alarm runs; incoming messages are apart. */
  objectRequests: number;
  wsMessagesIn: number;
  /** Storage rows plus one per alarm set. */
  rowsWritten: number;
  rowsRead: number;
  /** Seconds objects were billed as awake, summed over objects. */
  awakeSeconds: number;
  storedBytes: number;
};

/** Seconds of a minute billed for duration: an open outbound socket pins the room awake. */
export function billedSeconds(m: RoomMinute): number {
  return Math.min(60, Math.max(m.awakeSeconds, m.outboundSocketSeconds));
}

export function monthlyUsage(
  groups: readonly RoomGroup[],
  { minutes = MONTH_MINUTES, workerCpuMsPerRequest = WORKER_CPU_MS_PER_REQUEST } = {},
): Usage {
  const usage: Usage = {
    workerRequests: 0,
    workerCpuMs: 0,
    objectRequests: 0,
    wsMessagesIn: 0,
    rowsWritten: 0,
    rowsRead: 0,
    awakeSeconds: 0,
    storedBytes: 0,
  };
  for (const { rooms, perMinute: m } of groups) {
    const roomMinutes = rooms * minutes;
    usage.workerRequests += m.requests * roomMinutes;
    usage.objectRequests += (m.requests + m.alarmsRun + (m.handoffs ?? 0)) * roomMinutes;
    usage.wsMessagesIn += m.wsMessagesIn * roomMinutes;
    usage.rowsWritten += (m.rowsWritten + m.alarmsSet) * roomMinutes;
    usage.rowsRead += m.rowsRead * roomMinutes;
    usage.awakeSeconds += billedSeconds(m) * roomMinutes;
    usage.storedBytes += m.storedBytes * rooms;
  }
  usage.workerCpuMs = usage.workerRequests * workerCpuMsPerRequest;
  return usage;
}

export type Billable = Record<PriceName, number>;

/** Usage in the units each price is quoted in. */
export function billable(usage: Usage): Billable {
  return {
    workerRequests: usage.workerRequests,
    workerCpu: usage.workerCpuMs,
    objectRequests: usage.objectRequests + usage.wsMessagesIn / WS_MESSAGES_PER_REQUEST,
    duration: usage.awakeSeconds * GB_PER_AWAKE_OBJECT,
    rowsRead: usage.rowsRead,
    rowsWritten: usage.rowsWritten,
    storage: usage.storedBytes / BYTES_PER_GB,
  };
}

export type BillLine = {
  name: PriceName;
  amount: number;
  /** Dollars on the account's bill: beyond the included amount, rounded where Cloudflare does. */
  account: number;
  /** Dollars at the unit price with nothing included: what the usage adds to a busy account. */
  marginal: number;
};

export type Bill = {
  billable: Billable;
  lines: BillLine[];
  /** What the account pays: the plan's minimum plus every line beyond its included amount. */
  account: number;
  /** What the usage costs on an account whose included amounts are already spent. */
  marginal: number;
};

export function bill(usage: Usage, prices: Prices = PRICES): Bill {
  const amounts = billable(usage);
  const lines = (Object.keys(prices) as PriceName[]).map((name): BillLine => {
    const price = prices[name];
    const amount = amounts[name];
    const over = Math.max(0, amount - price.included) / price.per;
    return {
      name,
      amount,
      account: (price.roundsUp ? Math.ceil(over) : over) * price.dollars,
      marginal: (amount / price.per) * price.dollars,
    };
  });
  return {
    billable: amounts,
    lines,
    account: PLAN.dollarsPerMonth + sum(lines.map((l) => l.account)),
    marginal: sum(lines.map((l) => l.marginal)),
  };
}

// ---------------------------------------------------------------------------------------------
// Scenarios

export type Assumption = { name: string; value: string };

export type Scenario = {
  name: string;
  groups: RoomGroup[];
  assumptions: Assumption[];
};

export type SocketTraffic = {
  reconnectsPerDay: number;
  messagesPerMinute?: number;
  hibernation?: boolean;
};

/**
 * A room's minute with its sockets' own traffic: each socket reopens `reconnectsPerDay` times
 * (an upgrade is a Worker request and a room request) and sends `messagesPerMinute`. Without
 * hibernation a room with sockets never leaves memory.
 */
export function withSockets(
  room: RoomMinute,
  sockets: number,
  { reconnectsPerDay, messagesPerMinute = 0, hibernation = true }: SocketTraffic,
): RoomMinute {
  return {
    ...room,
    requests: room.requests + (sockets * reconnectsPerDay) / (24 * 60),
    wsMessagesIn: room.wsMessagesIn + sockets * messagesPerMinute,
    awakeSeconds: hibernation || sockets === 0 ? room.awakeSeconds : 60,
  };
}

export type IdleOptions = {
  connections: number;
  /** Sockets per room: 1,000 fit in one room (a room holds up to 32,768 hibernated sockets). */
  socketsPerRoom: number;
  /** Each socket opens again once a day (a deploy, a network change, a laptop waking up). */
  reconnectsPerDay: number;
  hibernation: boolean;
};

export const IDLE_DEFAULTS: IdleOptions = {
  connections: 1000,
  socketsPerRoom: 1000,
  reconnectsPerDay: 1,
  hibernation: true,
};

/**
 * Connections that carry nothing for a month, on rooms that do what `room` does with nobody
 * talking (a push room with no pushes, a watchlist nobody edits). What a client sends on them
 * is left out: an idle socket sends nothing.
 */
export function idleConnections(room: RoomMinute, options: Partial<IdleOptions> = {}): Scenario {
  const o = { ...IDLE_DEFAULTS, ...options };
  const rooms = Math.ceil(o.connections / o.socketsPerRoom);
  const perRoom = o.connections / rooms;
  return {
    name: `${count(o.connections)} idle connections${o.hibernation ? ", hibernated" : ", no hibernation"}`,
    groups: [
      {
        label: "idle rooms",
        rooms,
        perMinute: withSockets({ ...room, wsMessagesIn: 0 }, perRoom, o),
      },
    ],
    assumptions: [
      { name: "connections", value: `${count(o.connections)}, ${count(perRoom)} per room` },
      { name: "reconnects per socket per day", value: String(o.reconnectsPerDay) },
      { name: "hibernation", value: o.hibernation ? "yes" : "no: every room stays in memory" },
    ],
  };
}

export type WatchedOptions = {
  sockets: number;
  reconnectsPerDay: number;
};

export const WATCHED_DEFAULTS: WatchedOptions = { sockets: 1, reconnectsPerDay: 1 };

/** One ticker room with someone watching every minute of the month. */
export function watchedRoom(ticker: RoomMinute, options: Partial<WatchedOptions> = {}): Scenario {
  const o = { ...WATCHED_DEFAULTS, ...options };
  return {
    name: "one room watched around the clock",
    groups: [{ label: "ticker room", rooms: 1, perMinute: withSockets(ticker, o.sockets, o) }],
    assumptions: [
      { name: "sockets", value: String(o.sockets) },
      { name: "reconnects per socket per day", value: String(o.reconnectsPerDay) },
    ],
  };
}

export type FleetOptions = {
  tickers: number;
  /**
   * Tickers with at least one socket at any time. A million viewers hold 21 million ticker
   * sockets, about 2,100 per ticker: even a steep popularity curve leaves few unwatched. The
   * unwatched ones do nothing and only keep their storage.
   */
  watchedShare: number;
  /** Viewers connected around the clock: an upper bound for a million users. */
  viewers: number;
  /** Full-mode sockets per viewer: the chart. */
  chartsPerViewer: number;
  /** Quote-mode sockets per viewer: one per watchlist row. */
  listRowsPerViewer: number;
  listsPerViewer: number;
  /**
   * People on one shared list: the watchlist counts should come from a list with as many.
   * Its edits and wake-ups are in those counts; its people's messages are below.
   */
  peoplePerList: number;
  reconnectsPerDay: number;
  /**
   * Messages a ticker socket sends: the app sends nothing but a rare `resync` after a gap
   * (protocol pings are free). A client that pinged for its clock offset every 30 s would send 2.
   */
  tickerMessagesPerSocketPerMinute: number;
  /** Messages a viewer sends its list: mostly `focus` as they move along it, about 6 an hour. */
  listMessagesPerViewerPerMinute: number;
  hibernation: boolean;
};

export const FLEET_DEFAULTS: FleetOptions = {
  tickers: 10_000,
  watchedShare: 1,
  viewers: 1_000_000,
  chartsPerViewer: 1,
  listRowsPerViewer: 20,
  listsPerViewer: 1,
  peoplePerList: 10,
  reconnectsPerDay: 1,
  tickerMessagesPerSocketPerMinute: 0,
  listMessagesPerViewerPerMinute: 0.1,
  hibernation: true,
};

/**
 * Many tickers and many viewers, each on one chart and one list. The rooms cost what their
 * counts say, except for what clients send: the counts saw the benchmark's few clients, so
 * incoming messages and upgrades come from the viewer assumptions instead. Relay rooms are left
 * out here: the average ticker room holds far fewer sockets than `RELAY_AFTER` (`hotSymbol`
 * prices one symbol that needs them).
 */
export function fleet(
  rooms: { ticker: RoomMinute; watchlist: RoomMinute },
  options: Partial<FleetOptions> = {},
): Scenario {
  const o = { ...FLEET_DEFAULTS, ...options };
  const watched = Math.round(o.tickers * o.watchedShare);
  const tickerSockets = o.viewers * (o.chartsPerViewer + o.listRowsPerViewer);
  const perTicker = watched > 0 ? tickerSockets / watched : 0;
  const lists = (o.viewers * o.listsPerViewer) / o.peoplePerList;
  const traffic = { reconnectsPerDay: o.reconnectsPerDay, hibernation: o.hibernation };
  const groups: RoomGroup[] = [
    {
      label: "watched ticker rooms",
      rooms: watched,
      perMinute: withSockets({ ...rooms.ticker, wsMessagesIn: 0 }, perTicker, {
        ...traffic,
        messagesPerMinute: o.tickerMessagesPerSocketPerMinute,
      }),
    },
    {
      label: "watchlist rooms",
      rooms: lists,
      perMinute: withSockets({ ...rooms.watchlist, wsMessagesIn: 0 }, o.peoplePerList, {
        ...traffic,
        messagesPerMinute: o.listMessagesPerViewerPerMinute,
      }),
    },
  ];
  if (watched < o.tickers) {
    groups.push({
      label: "unwatched ticker rooms",
      rooms: o.tickers - watched,
      perMinute: { ...IDLE_MINUTE, storedBytes: rooms.ticker.storedBytes },
    });
  }
  return {
    name: `${count(o.tickers)} tickers, ${count(o.viewers)} viewers${o.hibernation ? "" : ", no hibernation"}`,
    groups,
    assumptions: [
      {
        name: "tickers watched",
        value: `${count(watched)} of ${count(o.tickers)}, ${count(perTicker)} sockets each`,
      },
      {
        name: "sockets per viewer",
        value: `${o.chartsPerViewer} chart (full mode), ${o.listRowsPerViewer} list rows (quote mode), ${o.listsPerViewer} list`,
      },
      { name: "viewers", value: `${count(o.viewers)}, connected around the clock` },
      { name: "people per list", value: `${o.peoplePerList} (${count(lists)} watchlist rooms)` },
      { name: "reconnects per socket per day", value: String(o.reconnectsPerDay) },
      {
        name: "messages per ticker socket per minute",
        value: String(o.tickerMessagesPerSocketPerMinute),
      },
      {
        name: "messages per viewer to the list per minute",
        value: String(o.listMessagesPerViewerPerMinute),
      },
      {
        name: "hibernation",
        value: o.hibernation ? "yes" : "no: every room with a socket stays in memory",
      },
    ],
  };
}

export type HotSymbolOptions = {
  /** Sockets on the one symbol, connected around the clock. */
  viewers: number;
  /** Sockets the ticker room keeps itself (`RELAY_AFTER`). */
  relayAfter: number;
  /** Sockets per relay room (`RELAY_SIZE`). */
  relaySize: number;
  /** Frames a relay gets from its room a minute: a simulated stock's ticks, about one a second. */
  linkFramesPerMinute: number;
  /** A relay reports its load at most once a second while ticks flow. */
  reportsPerMinute: number;
  reconnectsPerDay: number;
};

export const HOT_SYMBOL_DEFAULTS: HotSymbolOptions = {
  viewers: 1_000_000,
  relayAfter: 5000,
  relaySize: 5000,
  linkFramesPerMinute: 60,
  reportsPerMinute: 60,
  reconnectsPerDay: 1,
};

/**
 * One symbol with a huge audience: the ticker room with its own share of sockets, and relay
 * rooms for the rest. A relay is awake while it has sockets (its link to the room is an
 * outbound socket), gets every frame once over that link (billed here as incoming messages,
 * though Cloudflare may not count messages on a socket the object opened), and stores nothing
 * but the name row its runtime keeps. An upgrade that goes to a relay is a request to the
 * ticker room (which hands it on) and one to the relay.
 */
export function hotSymbol(ticker: RoomMinute, options: Partial<HotSymbolOptions> = {}): Scenario {
  const o = { ...HOT_SYMBOL_DEFAULTS, ...options };
  const direct = Math.min(o.viewers, o.relayAfter);
  const relayed = o.viewers - direct;
  const relays = Math.ceil(relayed / o.relaySize);
  const upgradesPerMinute = (sockets: number) => (sockets * o.reconnectsPerDay) / (24 * 60);
  const room: RoomMinute = {
    ...withSockets({ ...ticker, wsMessagesIn: 0 }, direct, {
      reconnectsPerDay: o.reconnectsPerDay,
    }),
    handoffs: upgradesPerMinute(relayed),
    wsMessagesIn: relays * o.reportsPerMinute,
  };
  const groups: RoomGroup[] = [{ label: "ticker room", rooms: 1, perMinute: room }];
  if (relays > 0) {
    groups.push({
      label: "relay rooms",
      rooms: relays,
      perMinute: {
        ...IDLE_MINUTE,
        requests: upgradesPerMinute(relayed / relays),
        wsMessagesIn: o.linkFramesPerMinute,
        awakeSeconds: 60,
        outboundSocketSeconds: 60,
        storedBytes: RELAY_NAME_ROW_BYTES,
      },
    });
  }
  return {
    name: `one symbol, ${count(o.viewers)} viewers`,
    groups,
    assumptions: [
      {
        name: "sockets",
        value: `${count(direct)} on the ticker room, ${count(relayed)} on ${count(relays)} relay rooms of ${count(o.relaySize)}`,
      },
      { name: "frames a relay gets a minute", value: String(o.linkFramesPerMinute) },
      { name: "reports a relay sends a minute", value: String(o.reportsPerMinute) },
      { name: "reconnects per socket per day", value: String(o.reconnectsPerDay) },
    ],
  };
}

/** The one row a relay stores: its name, kept by PartyServer (about 20 bytes with its key). */
const RELAY_NAME_ROW_BYTES = 40;

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function count(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}
