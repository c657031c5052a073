/**
 * The list as a room has it loaded: the list itself and its stored parts (alerts, drawings,
 * activity). Every one is a cache of storage, read by each handler and updated only once the
 * change it records is stored; it can vanish with the instance, and `load` rebuilds it.
 */
import type { ActivityEvent } from "../../protocol/index.ts";
import type { RoomStorage } from "../host.ts";
import { ACTIVITY_PREFIX, ActivityLog, activityKey } from "./activity.ts";
import { LINK_KEY, type LinkRecord, NO_LINKS } from "./alert-outbox.ts";
import {
  DRAWING_PREFIX,
  drawingKey,
  drawingsInOrder,
  drawingView,
  type StoredDrawing,
} from "./drawings.ts";
import { isTombstone, LIST_KEY, type StoredList, type StoredRecord } from "./list.ts";
import {
  ALERT_PREFIX,
  alertKey,
  alertsInOrder,
  alertView,
  type StoredAlert,
} from "./list-alerts.ts";
import { sharedText } from "./send.ts";

export const NO_LIST = "there is no watchlist with this id";
export const DELETED = "this list was deleted";

export class ListCache {
  /** The list as stored; null when this id has no list. */
  list: StoredList | null = null;
  /** The id had a list that was deleted: it is never created again. */
  deleted = false;
  /** The list's id as stored: `partykit dev` cannot read the room's id inside an alarm. */
  listId: string | null = null;
  readonly alerts = new Map<string, StoredAlert>();
  readonly drawings = new Map<string, StoredDrawing>();
  readonly activity = new ActivityLog();
  /** `sharedText` of the alerts and drawings, made once per change for every `state`. */
  private shared: string | null = null;

  /** Reads the list and its parts from storage; answers the alert link's record. */
  async load(storage: RoomStorage): Promise<LinkRecord> {
    const stored = await storage.get<StoredRecord>(LIST_KEY);
    this.deleted = stored !== undefined && isTombstone(stored);
    this.list = stored && !isTombstone(stored) ? stored : null;
    this.listId = stored?.id ?? null;
    this.alerts.clear();
    this.drawings.clear();
    this.shared = null;
    let link: LinkRecord | undefined;
    if (this.list) {
      const events: ActivityEvent[] = [];
      for (const [key, value] of await storage.list()) {
        if (key.startsWith(ALERT_PREFIX)) {
          const alert = value as StoredAlert;
          this.alerts.set(alert.id, alert);
        } else if (key.startsWith(DRAWING_PREFIX)) {
          const drawing = value as StoredDrawing;
          this.drawings.set(drawing.id, drawing);
        } else if (key.startsWith(ACTIVITY_PREFIX)) events.push(value as ActivityEvent);
        else if (key === LINK_KEY) link = value as LinkRecord;
      }
      this.activity.load(events);
    } else if (this.deleted) {
      // A deleted list may still owe the ticker rooms the news that its alerts are gone.
      link = await storage.get<LinkRecord>(LINK_KEY);
    }
    return link ?? NO_LINKS;
  }

  /** Why there is no list to show, as a refusal says it. */
  missing(): string {
    return this.deleted ? DELETED : NO_LIST;
  }

  /** The alerts and drawings as every `state` carries them, serialised once per change. */
  sharedNow(): string {
    this.shared ??= sharedText({
      alerts: alertsInOrder(this.alerts.values()).map(alertView),
      drawings: drawingsInOrder(this.drawings.values()).map(drawingView),
    });
    return this.shared;
  }

  /** The alerts or drawings changed: the next `state` serialises them again. */
  touch(): void {
    this.shared = null;
  }

  /** The alerts and drawings on `symbol`, for its removal. */
  onSymbol(symbol: string): { alerts: StoredAlert[]; drawings: StoredDrawing[] } {
    return {
      alerts: [...this.alerts.values()].filter((a) => a.symbol === symbol),
      drawings: [...this.drawings.values()].filter((d) => d.symbol === symbol),
    };
  }

  /** The storage keys of the list's alerts, drawings and activity. */
  contentKeys(): string[] {
    return [
      ...[...this.alerts.keys()].map(alertKey),
      ...[...this.drawings.keys()].map(drawingKey),
      ...this.activity.events.map((e) => activityKey(e.seq)),
    ];
  }

  /** The list was deleted and its tombstone stored: nothing of it is shown again. */
  forget(): void {
    this.list = null;
    this.deleted = true;
    this.alerts.clear();
    this.drawings.clear();
    this.activity.clear();
    this.shared = null;
  }
}
