/**
 * The home page's tiles. Names as in the symbol directory (S&P 500 constituents from
 * datasets/s-and-p-500-companies, ODC PDDL 1.0, and the crypto pairs list), kept here so that
 * the tiles do not wait for the directory chunk.
 */
export const POPULAR: readonly { symbol: string; name: string }[] = [
  { symbol: "AAPL", name: "Apple Inc." },
  { symbol: "MSFT", name: "Microsoft" },
  { symbol: "NVDA", name: "Nvidia" },
  { symbol: "AMZN", name: "Amazon" },
  { symbol: "GOOGL", name: "Alphabet Inc. (Class A)" },
  { symbol: "META", name: "Meta Platforms" },
  { symbol: "TSLA", name: "Tesla, Inc." },
  { symbol: "JPM", name: "JPMorgan Chase" },
  { symbol: "SPY", name: "SPDR S&P 500 ETF Trust" },
  { symbol: "BTC-USD", name: "Bitcoin" },
  { symbol: "ETH-USD", name: "Ethereum" },
  { symbol: "SOL-USD", name: "Solana" },
];
