/**
 * What a symbol's page starts from the entry, while the app's code downloads: its room's socket
 * (early-socket.ts), whose messages go straight into the room's store, so that the app's first
 * render may show the price, and which the room hook then adopts; and the price's number
 * format, whose first use loads the locale's data (tens of milliseconds, over a hundred on a
 * slow machine) that would otherwise come between the snapshot and the price on screen.
 */
import { openEarly, roomUrl } from "./early-socket.ts";
import { formatPrice } from "./format.ts";
import { symbolOfPath } from "./symbol-route.ts";
import { getTickerStore } from "./ticker-store.ts";

export function startEarly(): void {
  const symbol = symbolOfPath(location.pathname);
  if (symbol === null) return;
  // The chart page's socket is its ticker room's in full mode (ticker-view.tsx): no query.
  const store = getTickerStore(symbol, "full");
  openEarly(roomUrl("ticker", symbol), { onMessage: (text) => store.receive(text) });
  // A task of its own: the entry asks for the app's code first (in a microtask, main.tsx), and
  // the locale's data then loads while that code downloads.
  setTimeout(() => formatPrice(0, 2), 0);
}
