import { useStore } from "zustand";
import { formatPrice } from "../lib/format.ts";
import { extendedHours, percentOf } from "../lib/market-state.ts";
import type { TickerStore } from "../lib/ticker-store.ts";
import { ChangeText } from "./change-text.tsx";
import { LastPrice } from "./last-price.tsx";

/**
 * A stock outside its regular session, as Yahoo shows it: the regular close with that
 * session's change, then the live price with its move since the close. Shown only while
 * `extendedHours` has figures; it re-renders with the price, as the price beside it does.
 */
export function ExtendedQuote({ store }: { store: TickerStore }) {
  const quote = useStore(store, (s) => s.quote);
  const decimals = useStore(store, (s) => s.decimals);
  const ext = extendedHours(quote);
  if (ext === null) return null;
  return (
    <>
      <span className="quote-part">
        <span className="quote-caption">At close</span>
        <span className="close-price">{formatPrice(ext.close, decimals)}</span>
        {ext.closeChange === null ? null : (
          <ChangeText
            change={ext.closeChange}
            changePct={percentOf(ext.closeChange, ext.close - ext.closeChange)}
            decimals={decimals}
          />
        )}
      </span>
      <span className="quote-part quote-part-extended">
        <span className="quote-caption">{ext.label}</span>
        <LastPrice store={store} />
        <ChangeText
          change={ext.change}
          changePct={percentOf(ext.change, ext.close)}
          decimals={decimals}
        />
      </span>
    </>
  );
}
