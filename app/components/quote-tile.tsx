import { Link } from "wouter";
import { useQuoteSummary } from "../lib/use-quote-summary.ts";
import { useTickerRoom } from "../lib/use-ticker-room.ts";
import { CompactQuote } from "./compact-quote.tsx";
import { Sparkline } from "./sparkline.tsx";

type Props = { symbol: string; name: string };

/** A link to a symbol with its live quote, from a throttled quote-mode subscription. */
export function QuoteTile({ symbol, name }: Props) {
  const store = useTickerRoom(symbol, "quote");
  // Quote mode carries an hour of candles but a day of 15-minute closes: the day is the shape.
  const { quote, decimals, spark, failed, direction } = useQuoteSummary(store);
  return (
    <Link href={`/s/${symbol}`} className="tile">
      <span className="tile-head">
        <span className="tile-symbol">{symbol}</span>
        <span className="tile-name">{name}</span>
      </span>
      {quote ? (
        <span className="tile-quote">
          <CompactQuote quote={quote} decimals={decimals} priceClass="tile-price" />
        </span>
      ) : failed ? (
        <span className="tile-quote tile-unavailable">Unavailable</span>
      ) : (
        <span className="tile-quote" aria-hidden="true">
          <span className="skeleton skeleton-price" />
          <span className="skeleton skeleton-change" />
        </span>
      )}
      <Sparkline closes={spark} price={quote?.price} direction={direction} />
    </Link>
  );
}
