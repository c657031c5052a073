import { describe, expect, it } from "vitest";
import { FakeHostStorage } from "../../../tests/helpers/fake-watchlist-host.ts";
import { activityKey } from "./activity.ts";
import { LINK_KEY, NO_LINKS } from "./alert-outbox.ts";
import { drawingKey, type StoredDrawing } from "./drawings.ts";
import { LIST_KEY, newList, type StoredList } from "./list.ts";
import { alertKey, type StoredAlert } from "./list-alerts.ts";
import { DELETED, ListCache, NO_LIST } from "./list-cache.ts";

const list: StoredList = {
  ...newList("abcdefghijklmnop", "Tech", ["AAPL"]),
  keyHash: "f".repeat(64),
  created: 1,
};
const alert: StoredAlert = {
  id: "a1",
  symbol: "AAPL",
  when: "above",
  value: 200,
  by: "Ann",
  armed: true,
  armedAt: 5,
};
const drawing: StoredDrawing = {
  id: "d1",
  symbol: "AAPL",
  kind: "level",
  price: 190,
  by: "Ann",
  color: "#e5484d",
  drawnAt: 6,
};
const event = { seq: 1, at: 5, by: "Ann", kind: "renamed", name: "Tech" };

async function stored(): Promise<FakeHostStorage> {
  const storage = new FakeHostStorage();
  await storage.put({
    [LIST_KEY]: list,
    [alertKey(alert.id)]: alert,
    [drawingKey(drawing.id)]: drawing,
    [activityKey(event.seq)]: event,
    [LINK_KEY]: { seq: 3, pending: { AAPL: 3 } },
  });
  return storage;
}

describe("ListCache", () => {
  it("loads the list with its alerts, drawings, activity and link record", async () => {
    const cache = new ListCache();
    expect(await cache.load(await stored())).toEqual({ seq: 3, pending: { AAPL: 3 } });
    expect(cache.list).toEqual(list);
    expect(cache.listId).toBe(list.id);
    expect([...cache.alerts.keys()]).toEqual(["a1"]);
    expect([...cache.drawings.keys()]).toEqual(["d1"]);
    expect(cache.activity.events).toEqual([event]);
    expect(cache.contentKeys().sort()).toEqual(
      [alertKey("a1"), drawingKey("d1"), activityKey(1)].sort(),
    );
  });

  it("tells a list that never was from one that was deleted", async () => {
    const cache = new ListCache();
    expect(await cache.load(new FakeHostStorage())).toEqual(NO_LINKS);
    expect(cache.missing()).toBe(NO_LIST);
    const storage = new FakeHostStorage();
    await storage.put(LIST_KEY, { id: list.id, deleted: 9 });
    await cache.load(storage);
    expect(cache.list).toBeNull();
    expect(cache.listId).toBe(list.id);
    expect(cache.missing()).toBe(DELETED);
  });

  it("serialises the shared state again only after a touch", async () => {
    const cache = new ListCache();
    await cache.load(await stored());
    const first = cache.sharedNow();
    expect(JSON.parse(first).drawings).toHaveLength(1);
    cache.drawings.clear();
    expect(cache.sharedNow()).toBe(first);
    cache.touch();
    expect(JSON.parse(cache.sharedNow()).drawings).toEqual([]);
  });

  it("forgets everything of a deleted list", async () => {
    const cache = new ListCache();
    await cache.load(await stored());
    cache.forget();
    expect(cache.list).toBeNull();
    expect(cache.missing()).toBe(DELETED);
    expect(cache.contentKeys()).toEqual([]);
    expect(JSON.parse(cache.sharedNow())).toEqual({ alerts: [], drawings: [] });
  });
});
