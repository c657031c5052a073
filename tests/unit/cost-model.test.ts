/**
 * The cost model's arithmetic against figures worked by hand and against the worked examples on
 * Cloudflare's Durable Objects pricing page, which fix how GB-s and rounding are counted.
 */
import { describe, expect, it } from "vitest";
import {
  type CountsFile,
  type MeasuredRoom,
  PLACEHOLDER_COUNTS,
  parseCounts,
  perRoomMinute,
  roomCounts,
} from "../../bench/cost/counts.ts";
import {
  bill,
  billable,
  billedSeconds,
  fleet,
  hotSymbol,
  IDLE_MINUTE,
  idleConnections,
  MONTH_MINUTES,
  MONTH_SECONDS,
  monthlyUsage,
  type RoomGroup,
  type RoomMinute,
  type Usage,
} from "../../bench/cost/model.ts";
import { priced, renderReport } from "../../bench/cost/report.ts";

const minute = (some: Partial<RoomMinute>): RoomMinute => ({ ...IDLE_MINUTE, ...some });
const one = (some: Partial<RoomMinute>): RoomGroup[] => [
  { label: "room", rooms: 1, perMinute: minute(some) },
];
const NO_USAGE: Usage = monthlyUsage([]);
const line = (usage: Usage, name: string) => bill(usage).lines.find((l) => l.name === name);

describe("monthly usage", () => {
  it("counts one row written a second for 30 days as 2,592,000 rows, $2.59 at the margin", () => {
    const usage = monthlyUsage(one({ rowsWritten: 60 }));
    expect(MONTH_SECONDS).toBe(2_592_000);
    expect(usage.rowsWritten).toBe(2_592_000);
    expect(line(usage, "rowsWritten")?.marginal).toBeCloseTo(2.592, 6);
  });

  it("bills a room awake all month 2,592,000 s × 0.128 GB = 331,776 GB-s", () => {
    const usage = monthlyUsage(one({ awakeSeconds: 60 }));
    expect(usage.awakeSeconds).toBe(2_592_000);
    expect(billable(usage).duration).toBeCloseTo(331_776, 6);
    // Cloudflare's example 1: "1,000,000 seconds * 128 MB / 1 GB = 128,000 GB-s".
    expect(billable({ ...NO_USAGE, awakeSeconds: 1_000_000 }).duration).toBeCloseTo(128_000, 6);
  });

  it("bills 20 incoming WebSocket messages as one request", () => {
    expect(billable({ ...NO_USAGE, wsMessagesIn: 20 }).objectRequests).toBe(1);
    expect(billable({ ...NO_USAGE, wsMessagesIn: 2_000_000 }).objectRequests).toBe(100_000);
  });

  it("counts an alarm set as a row written and an alarm run as a request, neither a Worker request", () => {
    const usage = monthlyUsage(one({ alarmsSet: 60, alarmsRun: 60 }));
    expect(usage.rowsWritten).toBe(2_592_000);
    expect(usage.objectRequests).toBe(2_592_000);
    expect(usage.workerRequests).toBe(0);
  });

  it("keeps a room with an outbound socket awake, and never bills more than the minute", () => {
    expect(billedSeconds(minute({ outboundSocketSeconds: 60 }))).toBe(60);
    expect(billedSeconds(minute({ awakeSeconds: 5, outboundSocketSeconds: 20 }))).toBe(20);
    expect(billedSeconds(minute({ awakeSeconds: 90 }))).toBe(60);
  });

  it("scales by rooms and holds stored bytes as a level, not a rate", () => {
    const usage = monthlyUsage([
      { label: "a", rooms: 3, perMinute: minute({ requests: 1, storedBytes: 1e9 }) },
    ]);
    expect(usage.workerRequests).toBe(3 * MONTH_MINUTES);
    expect(usage.objectRequests).toBe(3 * MONTH_MINUTES);
    expect(usage.storedBytes).toBe(3e9);
    expect(billable(usage).storage).toBe(3);
  });
});

describe("the bill", () => {
  it("subtracts included amounts once for the whole account, not per room", () => {
    const thirtyMillionRows = minute({ rowsWritten: 30e6 / MONTH_MINUTES });
    const alone = bill(monthlyUsage([{ label: "a", rooms: 1, perMinute: thirtyMillionRows }]));
    const both = bill(monthlyUsage([{ label: "a", rooms: 2, perMinute: thirtyMillionRows }]));
    expect(alone.account).toBeCloseTo(5, 6);
    // 60 million rows less the 50 million included, at $1.00 a million.
    expect(both.account).toBeCloseTo(15, 6);
    expect(both.marginal).toBeCloseTo(60, 6);
  });

  it("reproduces Cloudflare's example 4: 100 objects, 100 hibernated sockets each, $20.65", () => {
    const usage = monthlyUsage([
      {
        label: "example 4",
        rooms: 100,
        // 100 connections opened once in the month, one message a minute from each, 1 s awake.
        perMinute: minute({ requests: 100 / MONTH_MINUTES, wsMessagesIn: 100, awakeSeconds: 1 }),
      },
    ]);
    expect(billable(usage).objectRequests).toBeCloseTo(21_610_000, 3);
    expect(billable(usage).duration).toBeCloseTo(552_960, 3);
    expect(line(usage, "objectRequests")?.account).toBeCloseTo(3.15, 6);
    expect(line(usage, "duration")?.account).toBeCloseTo(12.5, 6);
    expect(bill(usage).account).toBeCloseTo(20.65, 6);
  });

  it("reproduces Cloudflare's example 2: 100 objects without hibernation 8 hours a day, $142.95", () => {
    const share = 8 / 24;
    const usage = monthlyUsage([
      {
        label: "example 2",
        rooms: 100,
        perMinute: minute({
          requests: 50 / (24 * 60),
          wsMessagesIn: 50 * share,
          awakeSeconds: 60 * share,
        }),
      },
    ]);
    expect(bill(usage).account).toBeCloseTo(142.95, 6);
  });
});

describe("scenarios", () => {
  it("makes idle hibernated sockets free, and the same sockets without hibernation not", () => {
    const quiet = { reconnectsPerDay: 0 };
    const hibernated = bill(monthlyUsage(idleConnections(IDLE_MINUTE, quiet).groups));
    expect(hibernated.marginal).toBe(0);
    expect(hibernated.account).toBe(5);

    const awake = monthlyUsage(
      idleConnections(IDLE_MINUTE, { ...quiet, hibernation: false }).groups,
    );
    expect(billable(awake).duration).toBeCloseTo(331_776, 6);
    expect(bill(awake).marginal).toBeCloseTo(4.1472, 6);
  });

  it("charges 1,000 idle sockets only their upgrades: a Worker request and a room request each", () => {
    const usage = monthlyUsage(idleConnections(IDLE_MINUTE, { reconnectsPerDay: 1 }).groups);
    expect(usage.workerRequests).toBeCloseTo(30_000, 6);
    expect(usage.objectRequests).toBeCloseTo(30_000, 6);
    expect(usage.awakeSeconds).toBe(0);
  });

  it("gives a million viewers 22 sockets each and keeps list rooms awake only without hibernation", () => {
    const rooms = { ticker: minute({ awakeSeconds: 60 }), watchlist: IDLE_MINUTE };
    const hibernated = fleet(rooms);
    const usage = monthlyUsage(hibernated.groups);
    // 1,000,000 viewers × 22 sockets, each reopened once a day for 30 days.
    expect(usage.workerRequests).toBeCloseTo(660e6, 0);
    // Ticker rooms awake all month; the idle list rooms hibernate.
    expect(usage.awakeSeconds).toBeCloseTo(10_000 * MONTH_SECONDS, 0);

    const awake = monthlyUsage(fleet(rooms, { hibernation: false }).groups);
    expect(awake.awakeSeconds).toBeCloseTo((10_000 + 100_000) * MONTH_SECONDS, 0);
  });

  it("spreads a million viewers of one symbol over the room and 199 relays, each awake all month", () => {
    const scenario = hotSymbol(minute({ awakeSeconds: 60 }));
    const relays = scenario.groups.find((g) => g.label === "relay rooms");
    expect(relays?.rooms).toBe(199);
    const usage = monthlyUsage(scenario.groups);
    // One Worker request per upgrade (a million a day); a relayed upgrade reaches two rooms.
    expect(usage.workerRequests).toBeCloseTo(30e6, 0);
    expect(usage.objectRequests).toBeCloseTo(30e6 + 995_000 * 30, 0);
    expect(usage.awakeSeconds).toBeCloseTo(200 * MONTH_SECONDS, 0);
    // Each relay gets 60 frames a minute and sends 60 reports: both billed 20 to a request.
    expect(usage.wsMessagesIn).toBeCloseTo(199 * 120 * MONTH_MINUTES, 0);
    expect(hotSymbol(IDLE_MINUTE, { viewers: 4000 }).groups).toHaveLength(1);
  });

  it("keeps the storage of unwatched tickers and nothing else", () => {
    const rooms = {
      ticker: minute({ awakeSeconds: 60, storedBytes: 100_000 }),
      watchlist: IDLE_MINUTE,
    };
    const unwatched = fleet(rooms, { watchedShare: 0.5 }).groups.find(
      (g) => g.label === "unwatched ticker rooms",
    );
    expect(unwatched?.rooms).toBe(5000);
    expect(unwatched?.perMinute).toEqual({ ...IDLE_MINUTE, storedBytes: 100_000 });
  });
});

describe("counts", () => {
  const tickerSim: MeasuredRoom = {
    minutes: 10,
    rooms: 2,
    sockets: 10,
    counters: {
      ...PLACEHOLDER_COUNTS["ticker-sim"].counters,
      rowsWritten: 3600,
      alarmsSet: 1200,
      storedBytes: 240_000,
    },
  };
  const file: CountsFile = { version: 1, scenarios: { "ticker-sim": tickerSim } };

  it("turns counters over a measurement into one room's minute", () => {
    const m = perRoomMinute(tickerSim);
    expect(m.rowsWritten).toBe(180);
    expect(m.alarmsSet).toBe(60);
    expect(m.storedBytes).toBe(120_000);
  });

  it("marks every room kind the file leaves out as not measured", () => {
    const rooms = roomCounts(file);
    expect(rooms["ticker-sim"].measured).toBe(true);
    expect(rooms.watchlist.measured).toBe(false);
    expect(Object.values(roomCounts(null)).every((r) => !r.measured)).toBe(true);
  });

  it("reads a counts file and refuses one that does not fit, saying where", () => {
    expect(parseCounts(JSON.stringify(file)).scenarios["ticker-sim"]?.rooms).toBe(2);
    const bad = { ...file, scenarios: { "ticker-sim": { minutes: 10, sockets: 1, counters: {} } } };
    expect(() => parseCounts(JSON.stringify(bad))).toThrow(/counters/);
    expect(() => parseCounts(JSON.stringify({ ...file, scenarios: { nope: {} } }))).toThrow();
  });

  it("says in the report that placeholder counts are not measured", () => {
    const rooms = roomCounts(null);
    const report = renderReport({
      scenarios: [priced(idleConnections(rooms.idle.perMinute))],
      rooms: Object.values(rooms),
      source: "placeholders",
    });
    expect(report).toContain("placeholder estimates, not measured");
    expect(report.match(/\| not measured \|/g)).toHaveLength(Object.keys(rooms).length);
  });
});
