/**
 * Presence: who is here, with which role, looking at what. It lives in each connection's
 * state, never in storage, so it is rebuilt from the open sockets whenever it is sent.
 */
import * as v from "valibot";
import {
  DisplayNameSchema,
  PRESENCE_LIMITS,
  type PresenceMessage,
  type PresenceUser,
  type Role,
  type User,
} from "../../protocol/index.ts";

/** The presence part of a connection's state. */
export type Presence = { user: User; role: Role; focus: string | null };

/** Presence colours: distinct in light and dark themes. */
const COLORS = [
  "#e5484d",
  "#f76b15",
  "#ffc53d",
  "#46a758",
  "#12a594",
  "#0090ff",
  "#6e56cf",
  "#d6409f",
];

/**
 * A colour for someone joining: the palette's least used among the people here, so that faces
 * stay apart; ties go to the first after a point that depends on the newcomer's id.
 */
export function leastUsedColor(taken: readonly string[], userId: string): string {
  let h = 0;
  for (let i = 0; i < userId.length; i++) h = (h * 31 + userId.charCodeAt(i)) >>> 0;
  let best = "";
  let bestCount = Number.POSITIVE_INFINITY;
  for (let k = 0; k < COLORS.length; k++) {
    const color = COLORS[(h + k) % COLORS.length] as string;
    const count = taken.filter((c) => c === color).length;
    if (count < bestCount) {
      best = color;
      bestCount = count;
    }
  }
  return best;
}

/**
 * Someone joining: the name they asked for ("Guest" when absent or invalid; the upgrade gate
 * refuses invalid ones before this) and a colour that sets them apart from those `present`.
 */
export function newUser(id: string, name: string | null, present: Iterable<Presence | null>): User {
  const checked = v.safeParse(DisplayNameSchema, name ?? "");
  const taken: string[] = [];
  for (const p of present) if (p) taken.push(p.user.color);
  return { id, name: checked.success ? checked.output : "Guest", color: leastUsedColor(taken, id) };
}

/** The `presence` frame's users, in connection order; sockets still joining are left out. */
export function presenceUsers(present: Iterable<Presence | null>): PresenceUser[] {
  const users: PresenceUser[] = [];
  for (const p of present) if (p) users.push({ ...p.user, role: p.role, focus: p.focus });
  return users;
}

/**
 * The `presence` frame: everyone here counted, the first `PRESENCE_LIMITS.users` of them (in
 * connection order) listed, so that the frame stays small however large the audience.
 */
export function presenceFrame(present: Iterable<Presence | null>): PresenceMessage {
  const users = presenceUsers(present);
  return { type: "presence", users: users.slice(0, PRESENCE_LIMITS.users), count: users.length };
}
