import { type RefObject, useEffect, useState } from "react";

/**
 * Whether an element is on screen (or about to be): rows of a long list skip the work of
 * drawing prices nobody can see. One observer serves every element.
 */
export function useInView(ref: RefObject<Element | null>): boolean {
  const [inView, setInView] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const io = sharedObserver();
    listeners.set(element, setInView);
    io.observe(element);
    return () => {
      io.unobserve(element);
      listeners.delete(element);
    };
  }, [ref]);
  return inView;
}

const listeners = new Map<Element, (inView: boolean) => void>();
let observer: IntersectionObserver | null = null;

function sharedObserver(): IntersectionObserver {
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) listeners.get(entry.target)?.(entry.isIntersecting);
    },
    // A few rows of margin: a row is drawn just before it scrolls in, not as it does.
    { rootMargin: "200px 0px" },
  );
  return observer;
}
