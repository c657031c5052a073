import { useState } from "react";
import {
  browserPermission,
  type NotifyChoice,
  notifyChoice,
  savedWish,
  saveWish,
} from "../lib/alert-notify.ts";

const LABEL: Record<NotifyChoice, string> = {
  unsupported: "",
  ask: "Notify me",
  on: "Notifications on",
  off: "Notify me",
  blocked: "Notifications blocked",
};

/**
 * "Notify me": asks for the browser's permission when pressed (never on load), then switches
 * this browser's notifications of fired alerts on and off.
 */
export function NotifyButton() {
  const [choice, setChoice] = useState(() => notifyChoice(browserPermission(), savedWish()));
  if (choice === "unsupported") return null;
  const press = async () => {
    if (choice === "on") {
      saveWish(false);
    } else if (choice === "ask") {
      const answer = await Notification.requestPermission();
      if (answer === "granted") saveWish(true);
    } else if (choice === "off") {
      saveWish(true);
    }
    setChoice(notifyChoice(browserPermission(), savedWish()));
  };
  return (
    <button
      type="button"
      className="button button-quiet notify-button"
      disabled={choice === "blocked"}
      title={
        choice === "blocked"
          ? "This browser refuses notifications for this site: allow them in its site settings"
          : "A browser notification when an alert on this list fires"
      }
      onClick={() => void press()}
    >
      {LABEL[choice]}
    </button>
  );
}
