import { Link, useRoute } from "wouter";
import { ConnectionStatus } from "./connection-status.tsx";
import { SymbolSearch } from "./symbol-search.tsx";

export function AppHeader() {
  // The home page has the big search box; every other page gets a compact one here.
  const [home] = useRoute("/");
  return (
    <header className="app-header">
      <Link href="/" className="brand">
        <svg className="brand-mark" viewBox="0 0 24 24" aria-hidden="true">
          <path d="M3 17l5-6 4 3 6-8 3 3" />
        </svg>
        Tickerroom
      </Link>
      <div className="app-header-search">{home ? null : <SymbolSearch compact />}</div>
      <ConnectionStatus />
    </header>
  );
}
