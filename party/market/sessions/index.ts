/**
 * Trading sessions: the NYSE calendar, New York time and market states, with no platform
 * dependencies, for the simulator, the quotes and the app alike.
 */
export * from "./calendar-day.ts";
export * from "./market-hours.ts";
export * from "./new-york-time.ts";
export * from "./nyse-calendar.ts";
export * from "./symbol-kind.ts";
