import { describe, expect, it } from "vitest";
import { type FeedRule, parseFeeds, providerFor } from "./feeds.ts";

function rules(setting: string): FeedRule[] {
  const parsed = parseFeeds(setting);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.rules;
}

describe("parseFeeds", () => {
  it("reads exact symbols, prefixes and suffixes", () => {
    expect(rules("BTC-USD=coinbase,*-USD=kraken,ETH*=binance")).toEqual([
      { pattern: "BTC-USD", match: "exact", stem: "BTC-USD", provider: "coinbase" },
      { pattern: "*-USD", match: "suffix", stem: "-USD", provider: "kraken" },
      { pattern: "ETH*", match: "prefix", stem: "ETH", provider: "binance" },
    ]);
  });

  it("has no rules when unset or blank, and skips empty entries", () => {
    expect(rules("")).toEqual([]);
    expect(parseFeeds(undefined)).toEqual({ ok: true, rules: [] });
    expect(rules(" BTC-USD = Coinbase , ,")).toEqual([
      { pattern: "BTC-USD", match: "exact", stem: "BTC-USD", provider: "coinbase" },
    ]);
  });

  it("upper-cases patterns, since symbols are upper case", () => {
    expect(rules("btc-usd=kraken")[0]?.stem).toBe("BTC-USD");
  });

  it("names the bad entry instead of throwing", () => {
    const cases: [string, RegExp][] = [
      ["BTC-USD", /"BTC-USD": write it as PATTERN=provider/],
      [
        "BTC-USD=bitstamp",
        /"BTC-USD=bitstamp": unknown provider "bitstamp"; use coinbase, kraken, binance/,
      ],
      ["AAPL=finnhub", /finnhub .* runs in the feed bridge/],
      ["*ETH*=kraken", /one \* only/],
      ["E*TH=kraken", /one \* only/],
      ["B TC=kraken", /not a symbol/],
      ["*-U$D=kraken", /letters, digits, dots or dashes/],
      ["=kraken", /not a symbol/],
      ["BTC-USD=coinbase,BTC-USD=kraken", /BTC-USD is already given a feed/],
      ["AAPL=coinbase", /"AAPL=coinbase": coinbase has no product for AAPL/],
    ];
    for (const [setting, message] of cases) {
      const parsed = parseFeeds(setting);
      expect(parsed.ok, setting).toBe(false);
      if (!parsed.ok) expect(parsed.error).toMatch(message);
    }
  });
});

describe("providerFor", () => {
  const example = rules("*-USD=kraken,BTC-USD=coinbase,ETH*=binance,*=coinbase");

  it("gives an exact match precedence over every pattern", () => {
    expect(providerFor("BTC-USD", example)).toBe("coinbase");
  });

  it("takes the first pattern that matches", () => {
    expect(providerFor("ETH-USD", example)).toBe("kraken");
    expect(providerFor("ETH-BTC", example)).toBe("binance");
    expect(providerFor("SOL-EUR", example)).toBe("coinbase");
  });

  it("leaves unmatched symbols simulated", () => {
    const some = rules("BTC-USD=coinbase,*-EUR=kraken");
    expect(providerFor("AAPL", some)).toBeNull();
    expect(providerFor("BTC-USDT", some)).toBeNull();
    expect(providerFor("ETH-EUR", some)).toBe("kraken");
    expect(providerFor("AAPL", [])).toBeNull();
  });
});
