/**
 * The stock bridge's backfill: when its stream connects (on start, and again after a gap), each
 * room gets the day's one-minute bars it lacks from the provider's bars endpoint, pushed as
 * candles (`{"candles": [...]}`), while the streamed trades go on as ticks. Which bars, and
 * which of them a room lacks, is decided in `bridge-backfill.ts`. Rooms are done one at a time
 * (the providers count requests a minute), and a run stops at the first refusal, limit or
 * failure, since it would meet the same for every symbol: the next gap asks again.
 */
import { backfillWindow, candlesToPush } from "../party/market/bridge-backfill.ts";
import type {
  HistoryFetch,
  StockAdapter,
  StockCredentials,
} from "../party/market/providers/types.ts";
import type { Output } from "./feed-bridge.ts";
import { errorText } from "./feed-pusher.ts";
import { postRoom, readRoom } from "./feed-room.ts";

export type BackfillOptions = {
  adapter: StockAdapter;
  credentials: StockCredentials;
  /** The stream's URL (Alpaca's names the feed its bars come from). */
  streamUrl: string;
  /** The provider's REST endpoint: its default, or the override in its `restUrlEnv`. */
  rest: string;
  server: string;
  token: string;
  out: Output;
  timeoutMs?: number;
};

const TIMEOUT_MS = 10_000;

export class Backfill {
  /** Minutes pushed as candles, for the status line. */
  minutes = 0;
  private running = false;
  private readonly timeoutMs: number;
  private readonly fetch: HistoryFetch;

  constructor(private readonly options: BackfillOptions) {
    this.timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
    this.fetch = (url, init) =>
      fetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
  }

  /**
   * Backfills `rooms` (upstream symbol → room) with the finished minutes before `at`, when the
   * stream connected. `streamed` is the newest trade the bridge has of a room, or null. A run
   * asked for while one is going is skipped: the one going covers the same minutes.
   */
  async run(
    rooms: ReadonlyMap<string, string>,
    at: number,
    streamed: (room: string) => number | null,
    stopped: () => boolean,
  ): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (const [upstream, room] of rooms) {
        if (stopped() || !(await this.one(upstream, room, at, streamed(room)))) return;
      }
    } finally {
      this.running = false;
    }
  }

  /** One room; false when the run should stop. */
  private async one(upstream: string, room: string, at: number, streamed: number | null) {
    const { adapter, out } = this.options;
    const window = backfillWindow(at);
    const result = await adapter.history({
      ...window,
      product: upstream,
      base: this.options.rest,
      fetch: this.fetch,
      credentials: this.options.credentials,
      streamUrl: this.options.streamUrl,
    });
    if (result.kind !== "candles") {
      const wait =
        result.kind === "limited"
          ? `, asked to wait ${Math.ceil(result.retryAfterMs / 1000)} s`
          : "";
      out.error(
        `${adapter.name}: no bars to backfill ${room} with (${result.message}${wait}); streaming trades only`,
      );
      return false;
    }
    try {
      const held = await readRoom(this.options.server, room, this.timeoutMs);
      const candles = candlesToPush(result.candles, held, streamed, window.to, Date.now());
      if (candles.length === 0) return true;
      const { server, token } = this.options;
      const posted = await postRoom(server, token, room, { candles }, this.timeoutMs);
      if (!posted.ok) {
        out.error(
          `${room}: the room refused ${candles.length} backfilled minutes (HTTP ${posted.status}): ${posted.message}`,
        );
        return posted.status !== 401 && posted.status !== 403;
      }
      this.minutes += candles.length;
      out.info(`backfilled ${room} with ${candles.length} minutes of ${adapter.name} bars`);
      return true;
    } catch (err) {
      out.error(`${room}: backfill failed (${errorText(err)}); streaming trades only`);
      return false;
    }
  }
}
