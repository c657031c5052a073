/**
 * `npm run cost`: what the rooms cost a month on Cloudflare's published prices, as Markdown.
 *
 *   npm run cost                        from the placeholder counts in counts.ts (not measured)
 *   npm run cost -- --counts FILE       from measured per-room counts (the shape is in counts.ts)
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { type CountsFile, parseCounts, ROOM_KINDS, roomCounts } from "./counts.ts";
import { fleet, idleConnections, watchedRoom } from "./model.ts";
import { priced, renderReport } from "./report.ts";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { counts: { type: "string" } } });
  const file: CountsFile | null = values.counts
    ? parseCounts(await readFile(values.counts, "utf8"))
    : null;
  const rooms = roomCounts(file);
  const ticker = rooms["ticker-sim"].perMinute;
  const watchlist = rooms.watchlist.perMinute;
  const scenarios = [
    idleConnections(rooms.idle.perMinute),
    idleConnections(rooms.idle.perMinute, { hibernation: false }),
    watchedRoom(ticker),
    fleet({ ticker, watchlist }),
    fleet({ ticker, watchlist }, { hibernation: false }),
  ].map(priced);
  const source = file
    ? `${values.counts}${file.measuredAt ? `, measured ${file.measuredAt}` : ""}${file.runtime ? ` on ${file.runtime}` : ""}`
    : "placeholders";
  const notes = [
    `Ticker rooms cost what ${ROOM_KINDS["ticker-sim"]} does; watchlist rooms what ${ROOM_KINDS.watchlist} does, with their clients' messages and upgrades taken from the viewer assumptions.`,
  ];
  console.log(renderReport({ scenarios, rooms: Object.values(rooms), source, notes }));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
