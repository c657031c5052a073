/**
 * Browser notifications of fired alerts, for those who asked for them: permission is asked
 * only when someone presses "Notify me", never on load, and the choice is kept in this browser.
 */

/** The control's state: offer to ask, on, off (asked before, then turned off), or refused. */
export type NotifyChoice = "unsupported" | "ask" | "on" | "off" | "blocked";

const KEY = "tickerroom.notify";

/** What the control offers, from the browser's permission and this page's own switch. */
export function notifyChoice(
  permission: NotificationPermission | null,
  wanted: boolean | null,
): NotifyChoice {
  if (permission === null) return "unsupported";
  if (permission === "denied") return "blocked";
  if (permission === "default") return "ask";
  return wanted === false ? "off" : wanted ? "on" : "ask";
}

export function browserPermission(): NotificationPermission | null {
  return typeof Notification === "undefined" ? null : Notification.permission;
}

export function savedWish(): boolean | null {
  try {
    const saved = localStorage.getItem(KEY);
    return saved === null ? null : saved === "on";
  } catch {
    return null;
  }
}

export function saveWish(on: boolean): void {
  try {
    localStorage.setItem(KEY, on ? "on" : "off");
  } catch {
    // Private modes without storage: the switch lasts as long as the page.
  }
}

/** Shows one notification when this person asked for them; the page's toast shows regardless. */
export function notify(title: string, body: string, tag: string): void {
  if (notifyChoice(browserPermission(), savedWish()) !== "on") return;
  try {
    new Notification(title, { body, tag });
  } catch {
    // Some browsers allow notifications only from a service worker: the toast is enough.
  }
}
