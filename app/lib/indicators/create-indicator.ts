/** The indicator a spec names, ready to be fed bars. */
import { BollingerBands } from "./bollinger-bands.ts";
import { Ema } from "./ema.ts";
import type { IndicatorSpec } from "./indicator-spec.ts";
import { Macd } from "./macd.ts";
import { Rsi } from "./rsi.ts";
import { Sma } from "./sma.ts";
import { type SessionStart, Vwap } from "./vwap.ts";

/** Every indicator, told apart by `kind` as specs are. */
export type AnyIndicator = Sma | Ema | Vwap | BollingerBands | Rsi | Macd;

export type IndicatorOptions = {
  /** Where VWAP starts over; the UTC day when left out. */
  sessionStart?: SessionStart;
};

export function createIndicator(spec: IndicatorSpec, options: IndicatorOptions = {}): AnyIndicator {
  switch (spec.kind) {
    case "sma":
      return new Sma(spec.period);
    case "ema":
      return new Ema(spec.period);
    case "bb":
      return new BollingerBands(spec.period);
    case "rsi":
      return new Rsi(spec.period);
    case "vwap":
      return new Vwap(options.sessionStart);
    case "macd":
      return new Macd();
  }
}
