/**
 * `npm run cost`: what the rooms cost a month on Cloudflare's published prices, as Markdown.
 *
 *   npm run cost                        measures every room kind on the Worker (`npm start`'s
 *                                       bundle, built first) for 60 s, writes the counts to
 *                                       bench-results/cost-counts.json, prints the model
 *   npm run cost -- --seconds 120       the same over a longer span
 *   npm run cost -- --counts FILE       from counts measured before (the shape is in counts.ts)
 *   npm run cost -- --placeholders      from the estimates in counts.ts, measuring nothing
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { type CountsFile, parseCounts, ROOM_KINDS, roomCounts } from "./counts.ts";
import { measureCounts } from "./measure.ts";
import { fleet, hotSymbol, idleConnections, watchedRoom } from "./model.ts";
import { priced, renderReport } from "./report.ts";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      counts: { type: "string" },
      seconds: { type: "string", default: "60" },
      placeholders: { type: "boolean", default: false },
    },
  });
  let file: CountsFile | null = null;
  let from = "placeholders";
  if (values.counts) {
    file = parseCounts(await readFile(values.counts, "utf8"));
    from = values.counts;
  } else if (!values.placeholders) {
    const seconds = Number(values.seconds);
    if (!(seconds >= 10)) throw new Error("--seconds: at least 10");
    file = await measureCounts({ seconds, log: (line) => console.error(line) });
    await mkdir("bench-results", { recursive: true });
    from = "bench-results/cost-counts.json";
    await writeFile(from, `${JSON.stringify(file, null, 2)}\n`);
  }
  const rooms = roomCounts(file);
  const ticker = rooms["ticker-sim"].perMinute;
  const watchlist = rooms.watchlist.perMinute;
  const scenarios = [
    idleConnections(rooms.idle.perMinute),
    idleConnections(rooms.idle.perMinute, { hibernation: false }),
    watchedRoom(ticker),
    fleet({ ticker, watchlist }),
    fleet({ ticker, watchlist }, { hibernation: false }),
    hotSymbol(ticker),
  ].map(priced);
  const source = file
    ? `${from}${file.measuredAt ? `, measured ${file.measuredAt}` : ""}${file.runtime ? ` on ${file.runtime}` : ""}`
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
