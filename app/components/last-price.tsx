import { useStore } from "zustand";
import { formatPrice } from "../lib/format.ts";
import type { TickerStore } from "../lib/ticker-store.ts";
import { useFlash } from "../lib/use-flash.ts";

/**
 * The last traded price. ARIA's `marquee` is the live region made for a ticker: it changes
 * often and is not announced on every change. `data-time` carries the time of the tick on screen, so that the
 * delay from tick to screen can be measured from outside.
 */
export function LastPrice({ store }: { store: TickerStore }) {
  const price = useStore(store, (s) => s.quote?.price ?? null);
  const time = useStore(store, (s) => s.quote?.time ?? null);
  const decimals = useStore(store, (s) => s.decimals);
  const ref = useFlash<HTMLSpanElement>(price);
  if (price === null || time === null) return null;
  return (
    <span
      ref={ref}
      role="marquee"
      className="last-price flashable"
      aria-label="Last price"
      data-time={time}
    >
      {formatPrice(price, decimals)}
    </span>
  );
}
