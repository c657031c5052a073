/**
 * The state of every socket in view, summed up into the one word the status badge shows.
 * Each room hook registers its socket here while it is mounted.
 */
import { useStore } from "zustand";
import { createStore } from "zustand/vanilla";

export type SocketState = "connecting" | "live" | "reconnecting";
export type ConnectionSummary = "Connecting" | "Live" | "Reconnecting" | "Offline";

type ConnectionState = {
  online: boolean;
  sockets: Readonly<Record<string, SocketState>>;
};

const connections = createStore<ConnectionState>()(() => ({
  online: typeof navigator === "undefined" ? true : navigator.onLine,
  sockets: {},
}));

if (typeof window !== "undefined") {
  const update = () => connections.setState({ online: navigator.onLine });
  window.addEventListener("online", update);
  window.addEventListener("offline", update);
}

export function setSocketState(id: string, state: SocketState): void {
  const { sockets } = connections.getState();
  if (sockets[id] === state) return;
  connections.setState({ sockets: { ...sockets, [id]: state } });
}

export function removeSocket(id: string): void {
  const { sockets } = connections.getState();
  if (!(id in sockets)) return;
  const { [id]: _, ...rest } = sockets;
  connections.setState({ sockets: rest });
}

/** The socket may still report after its component is gone; only known sockets count. */
export function updateSocketState(id: string, state: SocketState): void {
  if (id in connections.getState().sockets) setSocketState(id, state);
}

/** The worst state wins: one socket down is enough to say that data may be late. */
export function summarize(state: ConnectionState): ConnectionSummary | null {
  if (!state.online) return "Offline";
  const all = Object.values(state.sockets);
  if (all.length === 0) return null;
  if (all.includes("reconnecting")) return "Reconnecting";
  if (all.includes("connecting")) return "Connecting";
  return "Live";
}

export function useConnectionSummary(): ConnectionSummary | null {
  return useStore(connections, summarize);
}

export function useOnline(): boolean {
  return useStore(connections, (s) => s.online);
}
