/**
 * Replays a CSV of trades into the rooms, paced by the trades' own times (divided by the
 * speed) or as fast as the rooms take them. The whole file is checked first: a bad line stops
 * the replay before anything is pushed.
 */
import { readFile } from "node:fs/promises";
import { type CsvTrade, parseTradesCsv } from "../party/market/trades-csv.ts";
import type { Tick } from "../party/protocol/index.ts";
import type { Output } from "./feed-bridge.ts";
import type { ReplayOptions } from "./feed-options.ts";
import { Pusher } from "./feed-pusher.ts";

/** Bad lines listed before "and N more". */
const SHOWN_PROBLEMS = 20;
/** How long the end of a replay may take to push what is queued. */
const FINAL_DRAIN_MS = 10 * 60_000;

export type ProgressView = { tty: boolean; write(text: string): void };

export async function runReplay(
  options: ReplayOptions,
  out: Output,
  stop: AbortSignal,
  view: ProgressView,
): Promise<number> {
  let text: string;
  try {
    text = await readFile(options.file, "utf8");
  } catch (err) {
    out.error(`cannot read ${options.file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    return 1;
  }
  const parsed = parseTradesCsv(text);
  if (!parsed.ok) {
    const { problems } = parsed;
    out.error(`${options.file}: ${problems.length} bad line(s); nothing was pushed`);
    for (const p of problems.slice(0, SHOWN_PROBLEMS)) {
      out.error(p.line > 0 ? `  line ${p.line}: ${p.message}` : `  ${p.message}`);
    }
    if (problems.length > SHOWN_PROBLEMS)
      out.error(`  … and ${problems.length - SHOWN_PROBLEMS} more`);
    return 1;
  }

  // Pacing follows time, so the file is taken in time order (stable: ties keep file order).
  const trades = [...parsed.trades].sort((a, b) => a.time - b.time);
  const total = trades.length;
  const first = (trades[0] as CsvTrade).time;
  const started = Date.now();
  const shift = options.now ? started - first : 0;
  const perSymbol = new Map<string, number>();
  for (const t of trades) perSymbol.set(t.symbol, (perSymbol.get(t.symbol) ?? 0) + 1);

  const progress = new Progress(total, view);
  const pusher = new Pusher({
    server: options.server,
    token: options.token,
    flushMs: options.flushMs,
    batch: options.batch,
    log: (line) => {
      progress.clear();
      out.error(line);
    },
  });
  pusher.onPushed = () => progress.update(done(pusher));
  let fatal: string | null = null;
  pusher.onFatal = (message) => {
    fatal = message;
  };
  pusher.start();
  out.info(
    `replaying ${total} trades of ${[...perSymbol.keys()].join(", ")} into ${options.server} at ${options.speed === "max" ? "full speed" : `${options.speed}x`}`,
  );

  let next = 0;
  while (next < total && !stop.aborted && fatal === null) {
    const now = Date.now();
    const batch = new Map<string, Tick[]>();
    while (next < total) {
      const t = trades[next] as CsvTrade;
      if (options.speed !== "max" && started + (t.time - first) / options.speed > now) break;
      const list = batch.get(t.symbol) ?? [];
      list.push([t.time + shift, t.price, t.size]);
      batch.set(t.symbol, list);
      next++;
    }
    for (const [symbol, ticks] of batch) pusher.add(symbol, ticks);
    if (next < total) {
      const due = started + ((trades[next] as CsvTrade).time - first) / (options.speed as number);
      await sleep(Math.min(250, Math.max(1, due - Date.now())), stop);
    }
  }

  const left =
    fatal === null
      ? await pusher.drain(FINAL_DRAIN_MS, { signal: stop, graceMs: options.drainMs })
      : 0;
  pusher.stop();
  progress.finish(done(pusher));
  const t = pusher.totals();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const bySymbol = [...perSymbol].map(([s, n]) => `${s} ${n}`).join(", ");
  if (fatal !== null) {
    out.error(fatal);
    return 1;
  }
  const skipped = [
    t.rejected ? `${t.rejected} refused by the rooms` : null,
    t.late ? `${t.late} already in a room or older than its last pushed tick (try --now)` : null,
    left ? `${left} still queued` : null,
    next < total ? `${total - next} not replayed` : null,
  ].filter((s) => s !== null);
  out.info(
    `${stop.aborted ? "stopped" : "done"}: pushed ${t.pushed} of ${total} trades (${bySymbol}) in ${seconds} s${skipped.length ? `; ${skipped.join(", ")}` : ""}`,
  );
  if (stop.aborted) return 0;
  return t.pushed === total ? 0 : 1;
}

/** Trades that reached an end: stored, refused, or dropped as late. */
function done(pusher: Pusher): number {
  const t = pusher.totals();
  return t.pushed + t.rejected + t.late + t.overflow;
}

function sleep(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(finish, ms);
    function finish() {
      clearTimeout(timer);
      stop.removeEventListener("abort", finish);
      resolve();
    }
    stop.addEventListener("abort", finish, { once: true });
  });
}

/**
 * A bar redrawn in place on a terminal (at most ten times a second); in a log, where `\r`
 * does not work, a plain line at every tenth.
 */
class Progress {
  private lastDraw = 0;
  private lastTenth = -1;
  private drawn = false;

  constructor(
    private readonly total: number,
    private readonly view: ProgressView,
  ) {}

  update(count: number): void {
    const share = Math.min(1, count / this.total);
    if (this.view.tty) {
      const now = Date.now();
      if (now - this.lastDraw < 100 && count < this.total) return;
      this.lastDraw = now;
      const width = 30;
      const full = Math.round(share * width);
      this.view.write(
        `\r[${"#".repeat(full)}${"-".repeat(width - full)}] ${Math.floor(share * 100)}%  ${count}/${this.total} trades`,
      );
      this.drawn = true;
      return;
    }
    const tenth = Math.floor(share * 10);
    if (tenth > this.lastTenth) {
      this.lastTenth = tenth;
      this.view.write(`replay: ${tenth * 10}% (${count} of ${this.total} trades)\n`);
    }
  }

  /** Moves off the bar's line so that a message starts on its own. */
  clear(): void {
    if (this.view.tty && this.drawn) {
      this.view.write("\n");
      this.drawn = false;
    }
  }

  finish(count: number): void {
    this.update(count);
    this.clear();
  }
}
