/**
 * Whether this page still speaks the server's protocol. A room whose first frame carries a
 * version the app does not know means a newer app is deployed: every view gives way to one
 * "reload" panel rather than reading frames it does not understand.
 */
import { useStore } from "zustand";
import { createStore } from "zustand/vanilla";

const version = createStore<{ outdated: boolean }>()(() => ({ outdated: false }));

export function markOutdated(): void {
  if (!version.getState().outdated) version.setState({ outdated: true });
}

export function useOutdated(): boolean {
  return useStore(version, (s) => s.outdated);
}
