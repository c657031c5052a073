/**
 * Session VWAP: the volume-weighted average of the typical price (high + low + close) / 3 since
 * the session began. It starts over at each session boundary, which the caller supplies because
 * a US stock's session is not a crypto market's UTC day.
 */
// market.ts alone, not the protocol index: the lazily loaded maths need none of its schemas.
import { bucketStart, type Candle } from "../../../party/protocol/market.ts";
import { BarIndicator } from "./indicator.ts";

/** The start of the session that holds `time` (ms); bars with the same start share a VWAP. */
export type SessionStart = (time: number) => number;

const DAY_MS = 86_400_000;

export const utcDay: SessionStart = (time) => bucketStart(time, DAY_MS);

type VwapState = { session: number | undefined; priceVolume: number; volume: number };

export class Vwap extends BarIndicator<number> {
  readonly kind = "vwap";
  readonly #sessionStart: SessionStart;
  #state: VwapState = { session: undefined, priceVolume: 0, volume: 0 };

  constructor(sessionStart: SessionStart = utcDay) {
    super();
    this.#sessionStart = sessionStart;
  }

  #next(candle: Candle): VwapState {
    const [start, , high, low, close, volume] = candle;
    const session = this.#sessionStart(start);
    const s = this.#state.session === session ? this.#state : { priceVolume: 0, volume: 0 };
    return {
      session,
      priceVolume: s.priceVolume + ((high + low + close) / 3) * volume,
      volume: s.volume + volume,
    };
  }

  protected override accepts(candle: Candle): boolean {
    const [start, , high, low, close, volume] = candle;
    return (
      Number.isFinite(start) &&
      Number.isFinite(high) &&
      Number.isFinite(low) &&
      Number.isFinite(close) &&
      Number.isFinite(volume) &&
      volume >= 0
    );
  }

  protected commit(candle: Candle): void {
    this.#state = this.#next(candle);
  }

  protected evaluate(candle: Candle): number | undefined {
    const { priceVolume, volume } = this.#next(candle);
    // No volume yet this session: there is no average to show.
    return volume > 0 ? priceVolume / volume : undefined;
  }
}
