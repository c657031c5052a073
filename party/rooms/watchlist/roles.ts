/** Who may edit a list: the holders of its edit key. Everyone else views. */
import type { Role } from "../../protocol/index.ts";
import { matchesHash, randomToken, sha256Hex } from "./secrets.ts";

/** Bytes in an edit key: 128 bits, beyond guessing. */
const EDIT_KEY_BYTES = 16;

/** A fresh edit key, to hand out once, and the hash the room keeps of it. */
export async function newEditKey(): Promise<{ editKey: string; keyHash: string }> {
  const editKey = randomToken(EDIT_KEY_BYTES);
  return { editKey, keyHash: await sha256Hex(editKey) };
}

/** The role a connection gets for the key it presented (null: none). */
export async function roleFor(key: string | null, keyHash: string): Promise<Role> {
  return key !== null && (await matchesHash(key, keyHash)) ? "editor" : "viewer";
}

/**
 * The key of an `Authorization: Bearer <key>` header (the scheme in any case, as HTTP has it),
 * or null when there is none.
 */
export function bearerKey(header: string | null): string | null {
  const match = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? "");
  return match?.[1] ?? null;
}
