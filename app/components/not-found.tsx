import { ErrorPanel } from "./error-panel.tsx";

export function NotFound() {
  return (
    <ErrorPanel title="Page not found">
      There is nothing at this address. Symbols live at /s/SYMBOL, for example /s/AAPL.
    </ErrorPanel>
  );
}
