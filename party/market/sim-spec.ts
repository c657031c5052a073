/**
 * A simulated symbol's parameters: where its walk starts, how much it moves, how often and how
 * much it trades, and its decimals. All of them follow from the symbol alone.
 */
import { STREAM } from "./price-walk.ts";
import { hashString, uniform } from "./random.ts";

export type SimSpec = {
  symbol: string;
  seed: number;
  /** Price at the start of the walk (the epoch, or a stock's first session), and its mean level. */
  startPrice: number;
  /** Annualised volatility of log returns, e.g. 0.3. */
  volatility: number;
  /** Mean ticks per second; each second has between 1 and 20. */
  tickRate: number;
  /** Dollar value of a typical trade. */
  tradeValue: number;
  priceDecimals: number;
  sizeDecimals: number;
};

/** Realistic start levels for the most watched names; others get one from their hash. */
const KNOWN_PRICES: Record<string, number> = {
  AAPL: 190,
  MSFT: 410,
  NVDA: 120,
  GOOGL: 165,
  GOOG: 166,
  AMZN: 180,
  META: 480,
  TSLA: 230,
  "BRK.B": 410,
  JPM: 200,
  V: 270,
  SPY: 510,
  QQQ: 440,
  "BTC-USD": 62000,
  "ETH-USD": 3100,
  "SOL-USD": 145,
  "XRP-USD": 0.55,
  "DOGE-USD": 0.14,
};

/** The parameters' own reading of a pair; which calendar a symbol follows is `symbolKind`'s. */
const isCrypto = (symbol: string) => /-(USD|USDT|USDC|EUR)$/.test(symbol);

export function simSpec(symbol: string): SimSpec {
  const seed = hashString(symbol);
  const u = (i: number) => uniform(seed, STREAM.param, i);
  const crypto = isCrypto(symbol);
  const startPrice = KNOWN_PRICES[symbol] ?? Math.exp(Math.log(8) + u(0) * Math.log(500 / 8));
  return {
    symbol,
    seed,
    startPrice,
    volatility: crypto ? 0.45 + u(1) * 0.45 : 0.15 + u(1) * 0.4,
    tickRate: 2 + u(2) * 10,
    tradeValue: crypto ? 500 + u(3) * 4500 : 5000 + u(3) * 45000,
    priceDecimals: startPrice < 1 ? 5 : startPrice < 20 ? 3 : 2,
    sizeDecimals: crypto ? 5 : 0,
  };
}
