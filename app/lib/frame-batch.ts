/**
 * Work that should happen at most once per painted frame. Sockets can deliver a hundred frames a
 * second; the screen only shows sixty, so stores queue what arrives and apply it here, and
 * every subscriber (React and the chart alike) hears about it once per frame.
 */

/**
 * A hidden tab gets no animation frames; this bounds how long queued data waits there (and how
 * much of it piles up) until a timer runs the batch instead.
 */
const HIDDEN_TAB_MS = 250;

const tasks = new Set<() => void>();
let frame = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

/** Runs `task` before the next paint; a task queued twice in one frame runs once. */
export function onNextFrame(task: () => void): void {
  tasks.add(task);
  if (frame !== 0) return;
  frame = requestAnimationFrame(run);
  timer = setTimeout(run, HIDDEN_TAB_MS);
}

function run(): void {
  cancelAnimationFrame(frame);
  clearTimeout(timer);
  frame = 0;
  const batch = [...tasks];
  tasks.clear();
  for (const task of batch) task();
}
