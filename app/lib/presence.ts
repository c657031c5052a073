/** How people are shown: pure helpers for faces and the list of who is here. */
import type { PresenceUser } from "../../party/protocol/index.ts";

/**
 * Initials for a face: the first letters of the first two words, or the first two letters of
 * a one-word name. Names are plain text, whatever they hold: only letters and digits count.
 */
export function initialsOf(name: string): string {
  const [first = "", second] = name.match(/[\p{L}\p{N}]+/gu) ?? [];
  const letters =
    second === undefined
      ? Array.from(first).slice(0, 2).join("")
      : `${Array.from(first)[0]}${Array.from(second)[0]}`;
  return letters.toUpperCase() || "?";
}

/** Yourself first, then everyone else in the order they joined. */
export function youFirst(users: readonly PresenceUser[], you: string): PresenceUser[] {
  return [...users.filter((u) => u.id === you), ...users.filter((u) => u.id !== you)];
}
