import { useConnectionSummary } from "../lib/connection-store.ts";

const HINT = {
  Connecting: "Opening the connection to the market data server",
  Live: "Prices stream live",
  Reconnecting: "Connection lost; retrying. Prices shown may be out of date",
  Offline: "This device is offline. Prices shown may be out of date",
} as const;

/** Always visible while any room is in view: whether the prices on screen are current. */
export function ConnectionStatus() {
  const summary = useConnectionSummary();
  if (summary === null) return null;
  return (
    <span
      role="status"
      className="connection"
      data-state={summary.toLowerCase()}
      title={HINT[summary]}
    >
      {summary}
    </span>
  );
}
