/**
 * The entry is small on purpose: it asks for the app (a chunk of its own), and while that
 * downloads, a symbol's page opens its room's socket and makes its number format
 * (early-start.ts), so that neither the upgrade nor the locale's data waits for the app's code.
 */
import { startEarly } from "./lib/early-start.ts";
import "./styles.css";

startEarly();
void import("./app-root.tsx").then(({ renderApp }) => renderApp());
