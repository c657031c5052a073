import type { PresenceUser } from "../../party/protocol/index.ts";
import { initialsOf, youFirst } from "../lib/presence.ts";
import { Face } from "./face.tsx";

type Props = {
  /** Who is listed: the room lists at most 50. */
  users: readonly PresenceUser[];
  /** How many people are here in all. */
  count: number;
  you: string;
  following: string | null;
  onFollow(userId: string): void;
  onRename(): void;
};

/** Visible faces before the rest fold into "+N", so that a crowd does not push the header. */
const SHOWN = 8;

/**
 * Who is here: a face each. Yours changes your name; anyone else's follows what they view. A
 * button's name starts with what it shows (the initials, and "you" on yours), so that speech
 * input can say what sighted people see.
 */
export function PresenceFaces({ users, count, you, following, onFollow, onRename }: Props) {
  const ordered = youFirst(users, you);
  const shown = ordered.slice(0, SHOWN);
  const more = Math.max(count, ordered.length) - shown.length;
  return (
    <ul className="faces" aria-label="People here">
      {shown.map((user) => {
        const role = user.role === "editor" ? "can edit" : "view only";
        const looking = user.focus ? `, viewing ${user.focus}` : "";
        const initials = initialsOf(user.name);
        if (user.id === you) {
          return (
            <li key={user.id}>
              <button
                type="button"
                className="face-button face-you"
                title={`${user.name} (you): change your name`}
                aria-label={`${initials} you: ${user.name}, ${role}. Change your name`}
                onClick={onRename}
              >
                <Face name={user.name} color={user.color} />{" "}
                <span className="face-tag" aria-hidden="true">
                  you
                </span>
              </button>
            </li>
          );
        }
        const on = following === user.id;
        return (
          <li key={user.id}>
            <button
              type="button"
              className="face-button"
              aria-pressed={on}
              title={`${user.name} (${role}${looking}): ${on ? "stop following" : "follow"}`}
              aria-label={`${initials}: follow ${user.name} (${role}${looking})`}
              onClick={() => onFollow(user.id)}
            >
              <Face name={user.name} color={user.color} />
            </button>
          </li>
        );
      })}
      {more > 0 ? (
        <li className="faces-more" title={`${more} more ${more === 1 ? "person" : "people"} here`}>
          +{more} more
        </li>
      ) : null}
    </ul>
  );
}
