import { EmptyState } from '../components/EmptyState.tsx';
import { Link } from '../components/Link.tsx';
import { useFocusHeading } from '../lib/use-focus-heading.ts';

export function NotFound() {
  const heading = useFocusHeading<HTMLHeadingElement>('Page not found');
  return (
    <main id="main" className="page">
      <h1 ref={heading} tabIndex={-1}>
        Page not found
      </h1>
      <EmptyState
        title="There is nothing at this address."
        action={<Link href="/">Go to the catalog</Link>}
      />
    </main>
  );
}
