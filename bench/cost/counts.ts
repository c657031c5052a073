/**
 * The per-room counts the cost model starts from: measured (`measure.ts`, or a file it wrote
 * before), or the placeholders below, which are estimates and say so.
 *
 * The file (`npm run cost -- --counts FILE`), one entry per room kind measured:
 *
 *   {
 *     "version": 1,
 *     "measuredAt": "2026-12-01T19:30:00Z",
 *     "runtime": "worker",
 *     "scenarios": {
 *       "ticker-sim": {
 *         "minutes": 10,
 *         "rooms": 1,
 *         "sockets": 10,
 *         "counters": {
 *           "requests": 0,
 *           "wsMessagesIn": 0,
 *           "alarmsSet": 600,
 *           "alarmsRun": 600,
 *           "rowsWritten": 1800,
 *           "rowsRead": 3,
 *           "awakeSeconds": 600,
 *           "outboundSocketSeconds": 0,
 *           "storedBytes": 120000
 *         }
 *       }
 *     }
 *   }
 *
 * - `minutes`: wall-clock minutes the counters cover; `rooms`: rooms of that kind whose counters
 *   are summed (default 1); `sockets`: sockets open on each room meanwhile.
 * - `requests`: HTTP requests the rooms answered, not counting WebSocket upgrades (the model adds
 *   those from each scenario's sockets and reconnect rate, or a short measurement would bill its
 *   opening connects for every minute of the month) nor the measurement's own `?stats` reads.
 * - `wsMessagesIn`: WebSocket messages the rooms received. `alarmsSet`: `setAlarm()` calls;
 *   `alarmsRun`: alarms that ran. `rowsWritten`: rows written by storage calls, puts and deletes,
 *   without the alarms' rows (the model adds one per alarm set). `rowsRead`: rows read.
 * - `awakeSeconds`: seconds a room was in memory and could not hibernate (a timer, an alarm
 *   loop, a handler running); `outboundSocketSeconds`: seconds with an upstream socket open.
 * - `storedBytes`: bytes the rooms hold in storage at the end, a level, not a rate.
 *
 * Room kinds: see ROOM_KINDS. A kind the file leaves out keeps its placeholder and is reported as
 * not measured.
 *
 * `measure.ts` writes this file from the rooms' own meters (`party/rooms/meter.ts`, shown in
 * `?stats`), which count each of these fields as defined here.
 */
import * as v from "valibot";
import type { RoomMinute } from "./model.ts";

export const ROOM_KINDS = {
  idle: "1,000 sockets on a room where nothing happens",
  "ticker-sim": "a watched simulated ticker room",
  "ticker-exchange": "a watched ticker room fed by an exchange socket",
  "ticker-push": "a watched push room fed by the bridge",
  watchlist: "a watchlist with 10 people",
} as const;
export type RoomKind = keyof typeof ROOM_KINDS;

const Count = v.pipe(v.number(), v.finite(), v.minValue(0));

const CountersSchema = v.object({
  requests: Count,
  wsMessagesIn: Count,
  alarmsSet: Count,
  alarmsRun: Count,
  rowsWritten: Count,
  rowsRead: Count,
  awakeSeconds: Count,
  outboundSocketSeconds: Count,
  storedBytes: Count,
});

const MeasuredRoomSchema = v.object({
  minutes: v.pipe(v.number(), v.finite(), v.gtValue(0)),
  rooms: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 1),
  sockets: Count,
  counters: CountersSchema,
});

export const CountsFileSchema = v.object({
  version: v.literal(1),
  measuredAt: v.optional(v.string()),
  runtime: v.optional(v.string()),
  scenarios: v.record(v.picklist(Object.keys(ROOM_KINDS) as RoomKind[]), MeasuredRoomSchema),
});

export type MeasuredRoom = v.InferOutput<typeof MeasuredRoomSchema>;
export type CountsFile = v.InferOutput<typeof CountsFileSchema>;

/** One room kind as the model uses it. */
export type RoomCounts = {
  kind: RoomKind;
  perMinute: RoomMinute;
  sockets: number;
  measured: boolean;
};

/** Counters over a measurement, as one room's minute. */
export function perRoomMinute(room: MeasuredRoom): RoomMinute {
  const { minutes, rooms, counters: c } = room;
  const rate = (n: number) => n / rooms / minutes;
  return {
    requests: rate(c.requests),
    wsMessagesIn: rate(c.wsMessagesIn),
    alarmsSet: rate(c.alarmsSet),
    alarmsRun: rate(c.alarmsRun),
    rowsWritten: rate(c.rowsWritten),
    rowsRead: rate(c.rowsRead),
    awakeSeconds: rate(c.awakeSeconds),
    outboundSocketSeconds: rate(c.outboundSocketSeconds),
    storedBytes: c.storedBytes / rooms,
  };
}

/**
 * Estimates, not measurements, one room for one minute each, from reading the rooms' code as it
 * was before they metered themselves (a watched ticker room then saved three rows and set an
 * alarm every second): `npm run cost -- --placeholders` prices them, for comparison.
 */
export const PLACEHOLDER_COUNTS: Record<RoomKind, MeasuredRoom> = {
  // Sends and receives nothing: hibernated all month; an empty SQLite database is about 12 KB.
  idle: { minutes: 1, rooms: 1, sockets: 1000, counters: counters({ storedBytes: 12_000 }) },
  // A save (3 rows) and an alarm every second; its timers keep it awake; 24 h of one-minute
  // candles and 500 recent ticks stored, about 120 KB.
  "ticker-sim": {
    minutes: 1,
    rooms: 1,
    sockets: 10,
    counters: counters({
      alarmsSet: 60,
      alarmsRun: 60,
      rowsWritten: 180,
      awakeSeconds: 60,
      storedBytes: 120_000,
    }),
  },
  // The same, with its upstream socket open the whole time.
  "ticker-exchange": {
    minutes: 1,
    rooms: 1,
    sockets: 10,
    counters: counters({
      alarmsSet: 60,
      alarmsRun: 60,
      rowsWritten: 180,
      awakeSeconds: 60,
      outboundSocketSeconds: 60,
      storedBytes: 120_000,
    }),
  },
  // One push a second from the bridge, each stored (3 rows) before it is acknowledged.
  "ticker-push": {
    minutes: 1,
    rooms: 1,
    sockets: 10,
    counters: counters({ requests: 60, rowsWritten: 180, awakeSeconds: 60, storedBytes: 120_000 }),
  },
  // Ten people: about 6 focus frames an hour each and 2 edits a day each (one row per edit);
  // each frame wakes the room for a few hundred ms (its presence pacing holds a timer).
  watchlist: {
    minutes: 1,
    rooms: 1,
    sockets: 10,
    counters: counters({
      wsMessagesIn: 1,
      rowsWritten: 20 / (24 * 60),
      rowsRead: 1,
      awakeSeconds: 0.5,
      storedBytes: 14_000,
    }),
  },
};

/** Every room kind: measured where the file has it, the placeholder otherwise. */
export function roomCounts(file: CountsFile | null): Record<RoomKind, RoomCounts> {
  const kinds = Object.keys(ROOM_KINDS) as RoomKind[];
  return Object.fromEntries(
    kinds.map((kind) => {
      const measured = file?.scenarios[kind];
      const room = measured ?? PLACEHOLDER_COUNTS[kind];
      const counts: RoomCounts = {
        kind,
        perMinute: perRoomMinute(room),
        sockets: room.sockets,
        measured: measured !== undefined,
      };
      return [kind, counts];
    }),
  ) as Record<RoomKind, RoomCounts>;
}

/** Reads a counts file; a file that does not fit the shape above is refused with the reason. */
export function parseCounts(text: string): CountsFile {
  const result = v.safeParse(CountsFileSchema, JSON.parse(text));
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = issue.path?.map((p) => String(p.key)).join(".") ?? "(root)";
  throw new Error(`counts file: ${path}: ${issue.message}`);
}

function counters(some: Partial<MeasuredRoom["counters"]>): MeasuredRoom["counters"] {
  return {
    requests: 0,
    wsMessagesIn: 0,
    alarmsSet: 0,
    alarmsRun: 0,
    rowsWritten: 0,
    rowsRead: 0,
    awakeSeconds: 0,
    outboundSocketSeconds: 0,
    storedBytes: 0,
    ...some,
  };
}
