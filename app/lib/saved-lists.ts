/**
 * What this browser remembers about watchlists: the lists it has opened (with their edit keys,
 * which exist nowhere else on this side) and the display name it goes by. localStorage may be
 * full, switched off or edited by hand, so every read is checked and every write may fail.
 */
import type { CreatedWatchlist } from "../../party/protocol/index.ts";

export type SavedList = { id: string; name: string; key?: string; lastSeen: number };

const LISTS = "tickerroom.watchlists";
const NAME = "tickerroom.name";

function read(): Record<string, SavedList> {
  try {
    const data = JSON.parse(localStorage.getItem(LISTS) ?? "{}") as unknown;
    if (typeof data !== "object" || data === null || Array.isArray(data)) return {};
    const out: Record<string, SavedList> = {};
    for (const [id, raw] of Object.entries(data as Record<string, Partial<SavedList>>)) {
      if (typeof raw?.name !== "string" || typeof raw.lastSeen !== "number") continue;
      out[id] = { id, name: raw.name, lastSeen: raw.lastSeen };
      if (typeof raw.key === "string") (out[id] as SavedList).key = raw.key;
    }
    return out;
  } catch {
    return {};
  }
}

function write(lists: Record<string, SavedList>): void {
  try {
    localStorage.setItem(LISTS, JSON.stringify(lists));
  } catch {
    // Private mode or a full quota: the list still works, it is just not remembered.
  }
}

/** Lists this browser has opened, most recently seen first. */
export function savedLists(): SavedList[] {
  return Object.values(read()).sort((a, b) => b.lastSeen - a.lastSeen);
}

export function savedKey(id: string): string | null {
  return read()[id]?.key ?? null;
}

/** Records a visit; `key: null` forgets a key the server did not accept. */
export function rememberList(
  id: string,
  patch: { name?: string; key?: string | null; lastSeen?: number },
): void {
  const lists = read();
  const next: SavedList = {
    id,
    name: patch.name ?? lists[id]?.name ?? "Watchlist",
    lastSeen: patch.lastSeen ?? lists[id]?.lastSeen ?? Date.now(),
  };
  const key = patch.key === undefined ? lists[id]?.key : patch.key;
  if (key) next.key = key;
  lists[id] = next;
  write(lists);
}

/**
 * Forgets an edit key that no longer works, unless another tab has saved a newer one since
 * (the tab that changed the edit link of this list, say).
 */
export function dropKey(id: string, key: string): void {
  if (savedKey(id) === key) rememberList(id, { key: null });
}

/** Forgets a list that is gone (deleted, or never there): "Your watchlists" drops it. */
export function forgetList(id: string): void {
  const lists = read();
  if (!(id in lists)) return;
  delete lists[id];
  write(lists);
}

export function savedName(): string | null {
  try {
    return localStorage.getItem(NAME);
  } catch {
    return null;
  }
}

export function saveName(name: string): void {
  try {
    localStorage.setItem(NAME, name);
  } catch {
    // As above: asked again next time.
  }
}

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * A list id nobody can guess: 22 base64url characters of 6 random bits each (132 bits; 256 is a
 * multiple of 64, so every character is uniform).
 */
export function newWatchlistId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(22));
  return Array.from(bytes, (b) => BASE64URL[b & 63]).join("");
}

/** Creates an empty list under a fresh id and remembers its edit key. */
export async function createWatchlist(): Promise<CreatedWatchlist> {
  const id = newWatchlistId();
  const res = await fetch(`/parties/watchlist/${id}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  const body = (await res.json().catch(() => null)) as
    | (CreatedWatchlist & { error?: { message?: string } })
    | null;
  if (res.status !== 201 || typeof body?.editKey !== "string") {
    throw new Error(body?.error?.message ?? `the server answered HTTP ${res.status}`);
  }
  rememberList(id, { key: body.editKey, lastSeen: Date.now() });
  return { id, editKey: body.editKey };
}

/**
 * Deletes a list for good, for everyone: the edit key goes in the `Authorization` header,
 * never in the address.
 */
export async function deleteWatchlist(id: string, key: string): Promise<void> {
  const res = await fetch(`/parties/watchlist/${id}`, {
    method: "DELETE",
    headers: { authorization: `Bearer ${key}` },
  });
  if (res.status === 204 || res.status === 404) {
    await res.body?.cancel();
    forgetList(id);
    return;
  }
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  throw new Error(
    res.status === 401
      ? "this browser's edit link no longer works for this list"
      : (body?.error?.message ?? `the server answered HTTP ${res.status}`),
  );
}

/** The edit key travels in the fragment, which browsers never send to a server. */
export function editLink(id: string, key: string): string {
  return `${location.origin}/w/${id}#key=${encodeURIComponent(key)}`;
}

export function viewLink(id: string): string {
  return `${location.origin}/w/${id}`;
}

/**
 * Takes the edit key out of the address (`#key=…`) into storage, so that it stays out of the
 * history and of links copied from the address bar. Returns the key this browser holds.
 */
export function takeKey(id: string): string | null {
  const fromUrl = new URLSearchParams(location.hash.slice(1)).get("key");
  if (fromUrl) {
    rememberList(id, { key: fromUrl });
    history.replaceState(history.state, "", `${location.pathname}${location.search}`);
    return fromUrl;
  }
  return savedKey(id);
}
