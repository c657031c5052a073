/**
 * When a ticker room hands a new socket to a relay room, and to which. A relay is a shard of one
 * symbol (`AAPL~0`, `AAPL~1`, ...): it holds one socket to the ticker room, gets every frame
 * once, and serves its own sockets from a copy of the room's history (`core.ts`). The ticker
 * room keeps up to `after` sockets of its own; beyond that each new socket goes to the lowest
 * shard with room for it, so relays fill one after another and the last ones empty first.
 */
import { setting } from "../host.ts";

/** Direct sockets a ticker room keeps before new ones go to relays (`RELAY_AFTER`). */
export const RELAY_AFTER_DEFAULT = 5000;
/**
 * Sockets one relay takes before the next shard opens (`RELAY_SIZE`, default `RELAY_AFTER`).
 * A Durable Object holds at most 32,768 hibernated sockets; relays stay well below.
 */
export const RELAY_SIZE_MAX = 30_000;

export type RelaySettings = { after: number; size: number };

/**
 * `RELAY_AFTER` (a whole number of sockets, or `off`) and `RELAY_SIZE`. Null: relays are off.
 * A setting that is not a positive whole number is ignored for the default, and said once.
 */
export function relaySettings(env: Readonly<Record<string, unknown>>): RelaySettings | null {
  const after = setting(env, "RELAY_AFTER");
  if (after === "off") return null;
  const a = positive(after) ?? RELAY_AFTER_DEFAULT;
  const size = Math.min(positive(setting(env, "RELAY_SIZE")) ?? a, RELAY_SIZE_MAX);
  return { after: a, size };
}

function positive(text: string | undefined): number | null {
  if (text === undefined || !/^\d{1,6}$/.test(text)) return null;
  const n = Number(text);
  return n > 0 ? n : null;
}

/** A relay as the ticker room knows it: its shard and the sockets it last said it holds. */
export type RelayLoad = { shard: number; sockets: number };

/**
 * The shard for a new socket, or null to keep it: `direct` sockets are the room's own,
 * `relays` those connected and what they reported, `assigned` the sockets sent to each shard
 * that its reports do not count yet (reports lag a storm of upgrades; this keeps a shard from
 * being overfilled in the meantime, and counts shards still opening their socket to the room).
 */
export function relayFor(
  settings: RelaySettings | null,
  direct: number,
  relays: readonly RelayLoad[],
  assigned: ReadonlyMap<number, number>,
): number | null {
  if (settings === null || direct < settings.after) return null;
  const load = new Map<number, number>(assigned);
  for (const r of relays) load.set(r.shard, (load.get(r.shard) ?? 0) + r.sockets);
  for (let shard = 0; ; shard++) {
    if ((load.get(shard) ?? 0) < settings.size) return shard;
  }
}

/** A relay room's name: the symbol and its shard. Symbols never contain `~`. */
export function relayName(symbol: string, shard: number): string {
  return `${symbol}~${shard}`;
}

/** The symbol and shard a relay room's name stands for; null for any other name. */
export function parseRelayName(name: string): { symbol: string; shard: number } | null {
  const match = /^(.+)~(\d{1,6})$/.exec(name);
  if (!match) return null;
  return { symbol: match[1] as string, shard: Number(match[2]) };
}
