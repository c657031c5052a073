import { type RefObject, useLayoutEffect, useRef } from "react";

/**
 * Flashes an element green or red when `value` rises or falls. The flash is a CSS animation
 * restarted on the element itself: no React state changes per tick. Two identical animations
 * take turns, because changing the animation name restarts it without forcing a layout.
 */
export function useFlash<T extends HTMLElement>(
  value: number | null | undefined,
): RefObject<T | null> {
  const ref = useRef<T>(null);
  const previous = useRef(value);
  const turn = useRef(false);
  useLayoutEffect(() => {
    const before = previous.current;
    previous.current = value;
    const element = ref.current;
    if (!element || value == null || before == null || value === before) return;
    turn.current = !turn.current;
    element.dataset.flash = `${value > before ? "up" : "down"}${turn.current ? 1 : 2}`;
  }, [value]);
  return ref;
}
