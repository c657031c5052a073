import type { PresenceUser } from "../../party/protocol/index.ts";
import { youFirst } from "../lib/presence.ts";
import { Face } from "./face.tsx";

/** Everyone here in words: name, whether they can edit, and what they are looking at. */
type Props = {
  /** Who is listed: the room lists at most 50. */
  users: readonly PresenceUser[];
  /** How many people are here in all. */
  count: number;
  you: string;
};

export function PeopleList({ users, count, you }: Props) {
  if (users.length === 0) return null;
  const ordered = youFirst(users, you);
  const unlisted = count - users.length;
  return (
    <section className="people" aria-labelledby="people-title">
      <h2 id="people-title" className="section-title">
        Here now · {Math.max(count, users.length)}
      </h2>
      <ul className="people-items">
        {ordered.map((user) => (
          <li key={user.id} className="person">
            <Face name={user.name} color={user.color} small />
            <span className="person-name" title={user.name}>
              {user.name}
            </span>
            {user.id === you ? <span className="person-you">you</span> : null}
            <span className="person-role">{user.role === "editor" ? "editor" : "viewer"}</span>
            <span className="person-focus">{user.focus ?? "—"}</span>
          </li>
        ))}
        {unlisted > 0 ? (
          <li className="person person-more">
            and {unlisted} more {unlisted === 1 ? "person" : "people"}
          </li>
        ) : null}
      </ul>
    </section>
  );
}
