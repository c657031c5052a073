/**
 * A list's secrets. Edit keys and user ids are drawn from the platform's random source; an
 * edit key is stored only as its SHA-256, so storage alone never grants editing.
 */
import { safeEqual } from "../../http.ts";

/** `bytes` random bytes as URL-safe base64 without padding, fit for a URL fragment. */
export function randomToken(bytes: number): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...raw))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/** The SHA-256 of a string's UTF-8, in lower-case hex. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Whether `secret` hashes to `hash`, compared in time that does not leak how much matched. */
export async function matchesHash(secret: string, hash: string): Promise<boolean> {
  return safeEqual(await sha256Hex(secret), hash);
}
