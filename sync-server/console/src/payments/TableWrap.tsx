import type { ReactNode } from 'react';

/**
 * A table that scrolls sideways when the window is narrower than it (a phone, 200 % zoom): the scrolling box is a
 * named region that takes focus, so it can be scrolled with the arrow keys too (axe: scrollable-region-focusable).
 */
export function TableWrap(p: { labelledBy?: string; label?: string; children: ReactNode }) {
  return (
    <div
      className="table-wrap"
      role="region"
      tabIndex={0}
      aria-labelledby={p.labelledBy}
      aria-label={p.labelledBy ? undefined : p.label}
    >
      {p.children}
    </div>
  );
}
