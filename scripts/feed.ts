/**
 * `npm run feed`: real prices for rooms whose feed allows one connection per key (the stock
 * bridge, `--provider finnhub|alpaca`), and replays of recorded trades (`--replay FILE`). Both
 * push into the rooms over HTTP with the server's INGEST_TOKEN. `--help` prints the usage.
 */
import { runBridge } from "./feed-bridge.ts";
import { parseFeedArgs, USAGE } from "./feed-options.ts";
import { runReplay } from "./feed-replay.ts";
import { loadDotEnv } from "./settings.ts";

loadDotEnv();

const out = {
  info: (line: string) => console.log(`feed: ${line}`),
  error: (line: string) => console.error(`feed: ${line}`),
};

const command = parseFeedArgs(process.argv.slice(2), process.env);
if (!command.ok) {
  out.error(command.error);
  console.error("Run `npm run feed -- --help` for the options.");
  process.exit(2);
}
if ("help" in command) {
  console.log(USAGE);
  process.exit(0);
}

const stop = new AbortController();
let stoppedAt = 0;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (!stop.signal.aborted) {
      stoppedAt = Date.now();
      stop.abort();
      return;
    }
    // Under `npm run`, one Ctrl-C arrives twice (from the terminal, and relayed by npm through
    // tsx): only a later one means "now", skipping the flush.
    if (Date.now() - stoppedAt > 1000) process.exit(130);
  });
}

const { options } = command;
const code =
  options.mode === "bridge"
    ? await runBridge(options, process.env, out, stop.signal)
    : await runReplay(options, out, stop.signal, {
        tty: process.stdout.isTTY === true,
        write: (text) => process.stdout.write(text),
      });
process.exit(code);
