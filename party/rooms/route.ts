/** Which room a request is for: `/parties/:party/:room`, the URLs partysocket clients use. */

export const PARTIES = ["ticker", "watchlist"] as const;
export type PartyName = (typeof PARTIES)[number];

export const NO_ROOMS = "no such party: use /parties/ticker/:symbol or /parties/watchlist/:id";

/**
 * The party and the room id (as written, still percent-encoded) a path names, or null when it
 * names none: another prefix, an unknown party, an empty id (`/parties//AAPL`), extra segments.
 */
export function roomOf(pathname: string): { party: PartyName; room: string } | null {
  const parts = pathname.split("/");
  if (parts.length !== 4 || parts[0] !== "" || parts[1] !== "parties") return null;
  const [, , party = "", room = ""] = parts;
  if (room === "" || !(PARTIES as readonly string[]).includes(party)) return null;
  return { party: party as PartyName, room };
}
