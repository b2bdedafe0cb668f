import type { Child } from 'hono/jsx';

/**
 * A table that may scroll sideways on a small screen. A scrolling box must be reachable by
 * keyboard (WCAG 2.1.1): it takes focus, so the arrow keys scroll it, and as a named region a
 * screen reader says what the stop is. Every wide table goes through here.
 */
export function TableRegion(props: { label: string; children: Child }) {
  return (
    <div class="table-wrap" tabindex={0} role="region" aria-label={props.label}>
      {props.children}
    </div>
  );
}
