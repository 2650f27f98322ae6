import { useEffect, useRef } from 'react';

/** Move focus to a screen's heading when it appears, so keyboard and screen-reader users start at the new content. */
export function useFocusHeading<T extends HTMLElement>(title: string, key?: unknown) {
  const ref = useRef<T>(null);
  useEffect(() => {
    document.title = `${title} · Lyceum`;
    ref.current?.focus({ preventScroll: false });
  }, [title, key]);
  return ref;
}
