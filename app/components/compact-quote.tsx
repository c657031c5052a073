import type { Quote } from "../../party/protocol/index.ts";
import { formatPrice } from "../lib/format.ts";
import { useFlash } from "../lib/use-flash.ts";
import { ChangeText } from "./change-text.tsx";

type Props = { quote: Quote; decimals: number; priceClass: string };

/** A price that flashes as it moves, then its change in percent: for tiles and list rows. */
export function CompactQuote({ quote, decimals, priceClass }: Props) {
  const flash = useFlash<HTMLSpanElement>(quote.price);
  return (
    <>
      <span ref={flash} className={`${priceClass} flashable`}>
        {formatPrice(quote.price, decimals)}
      </span>
      <ChangeText change={quote.change} changePct={quote.changePct} decimals={decimals} compact />
    </>
  );
}
