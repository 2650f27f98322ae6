import { useId, type ReactNode } from 'react';

/**
 * A lesson's other files (neither video nor slides) as download links under a heading; `after` adds something
 * after each link (a note that it is on this device). Nothing when there are none.
 */
export function Attachments<A extends { assetId: string; url: string; name: string }>({
  title,
  assets,
  after,
}: {
  title: string;
  assets: readonly A[];
  after?: (asset: A) => ReactNode;
}) {
  const headingId = useId();
  if (assets.length === 0) return null;
  return (
    <section aria-labelledby={headingId} className="attachments">
      <h2 id={headingId}>{title}</h2>
      <ul>
        {assets.map((a) => (
          <li key={a.assetId}>
            <a href={a.url} download={a.name}>
              {a.name}
            </a>
            {after ? <> {after(a)}</> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
