import { Link } from "wouter";
import { useStore } from "zustand";
import { directionOf, formatPrice } from "../lib/format.ts";
import { useFlash } from "../lib/use-flash.ts";
import { useTickerRoom } from "../lib/use-ticker-room.ts";
import { ChangeText } from "./change-text.tsx";
import { Sparkline } from "./sparkline.tsx";

type Props = { symbol: string; name: string };

/** A link to a symbol with its live quote, from a throttled quote-mode subscription. */
export function QuoteTile({ symbol, name }: Props) {
  const store = useTickerRoom(symbol, "quote");
  const quote = useStore(store, (s) => s.quote);
  const decimals = useStore(store, (s) => s.decimals);
  const candles = useStore(store, (s) => s.candles);
  const failed = useStore(store, (s) => s.phase === "error");
  const price = useFlash<HTMLSpanElement>(quote?.price);
  return (
    <Link href={`/s/${symbol}`} className="tile">
      <span className="tile-head">
        <span className="tile-symbol">{symbol}</span>
        <span className="tile-name">{name}</span>
      </span>
      {quote ? (
        <span className="tile-quote">
          <span ref={price} className="tile-price flashable">
            {formatPrice(quote.price, decimals)}
          </span>
          <ChangeText
            change={quote.change}
            changePct={quote.changePct}
            decimals={decimals}
            compact
          />
        </span>
      ) : failed ? (
        <span className="tile-quote tile-unavailable">Unavailable</span>
      ) : (
        <span className="tile-quote" aria-hidden="true">
          <span className="skeleton skeleton-price" />
          <span className="skeleton skeleton-change" />
        </span>
      )}
      <Sparkline
        candles={candles}
        price={quote?.price}
        direction={quote ? directionOf(quote.change) : "flat"}
      />
    </Link>
  );
}
