import { lazy, Suspense } from "react";
import { Route, Switch } from "wouter";
import { useOutdated } from "../lib/app-version.ts";
import { AppFooter } from "./app-footer.tsx";
import { AppHeader } from "./app-header.tsx";
import { HomePage } from "./home-page.tsx";
import { NewerVersion } from "./newer-version.tsx";
import { NotFound } from "./not-found.tsx";
import { SymbolPage } from "./symbol-page.tsx";
import { WatchlistSkeleton } from "./watchlist-skeleton.tsx";

// Shared lists are their own chunk, so that the chart page does not carry their code.
const WatchlistPage = lazy(() => import("./watchlist-page.tsx"));

export function App() {
  // Every room's view unmounts with it, which closes their sockets.
  const outdated = useOutdated();
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <AppHeader />
      <main id="main" className="app-main">
        {outdated ? (
          <NewerVersion />
        ) : (
          <Switch>
            <Route path="/" component={HomePage} />
            <Route path="/s/:symbol">{({ symbol }) => <SymbolPage raw={symbol} />}</Route>
            <Route path="/w/:id">
              {({ id }) => (
                <Suspense fallback={<WatchlistSkeleton />}>
                  <WatchlistPage id={id} />
                </Suspense>
              )}
            </Route>
            <Route component={NotFound} />
          </Switch>
        )}
      </main>
      <AppFooter />
    </div>
  );
}
