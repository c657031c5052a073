/**
 * A watchlist room's HTTP side: GET (and HEAD) reads the list, POST creates it (or, with
 * `?fired`, is a ticker room reporting a firing), DELETE deletes it (`deletion.ts`).
 */
import { httpError, json, preflight, readBody } from "../../http.ts";
import { type CreatedWatchlist, ErrorCode } from "../../protocol/index.ts";
import { FIRED_QUERY } from "../alert-link.ts";
import { recordFiring } from "./alert-changes.ts";
import { CREATE_BODY_BYTES, parseCreateBody } from "./create.ts";
import { deleteList } from "./deletion.ts";
import { LIST_KEY, newList, type StoredList, viewOf } from "./list.ts";
import { newEditKey } from "./roles.ts";
import type { Room } from "./room.ts";

/** Answers a request to a started room; what it throws, the caller turns into a 4xx or 500. */
export async function answer(room: Room, req: Request): Promise<Response> {
  const { cache } = room;
  switch (req.method) {
    case "OPTIONS":
      return preflight();
    case "GET":
    case "HEAD":
      return cache.list
        ? json(viewOf(cache.list))
        : httpError(404, ErrorCode.notFound, cache.missing());
    case "POST":
      if (new URL(req.url).searchParams.has(FIRED_QUERY)) return await recordFiring(room, req);
      return await create(room, req);
    case "DELETE":
      return await deleteList(room, req);
    default:
      return httpError(
        405,
        ErrorCode.methodNotAllowed,
        "use GET to read a list, POST to create one or DELETE to delete it",
      );
  }
}

async function create(room: Room, req: Request): Promise<Response> {
  const { cache } = room;
  if (cache.list || cache.deleted) return exists();
  const body = parseCreateBody(await readBody(req, CREATE_BODY_BYTES));
  if (!body.ok) return body.refusal;
  return room.exclusive(async () => {
    // Checked again once the body was read: another create may have won meanwhile.
    if (cache.list || cache.deleted) return exists();
    const { editKey, keyHash } = await newEditKey();
    const list: StoredList = {
      ...newList(room.host.id, body.value.name, body.value.symbols),
      keyHash,
      created: room.clock.now(),
    };
    await room.host.storage.put(LIST_KEY, list);
    cache.list = list;
    cache.listId = list.id;
    return json({ id: list.id, editKey } satisfies CreatedWatchlist, 201);
  });
}

function exists(): Response {
  return httpError(409, ErrorCode.conflict, "a watchlist with this id exists already");
}
