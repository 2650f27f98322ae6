import { buildMain, buildRenderer, mainStale, rendererStale } from '../../scripts/build.ts';

/**
 * Builds the renderer and the web-mode core once, before any test file starts. Test files running side by side each
 * building into the same dist folder would empty it under each other's open pages (seen on a clean clone in CI).
 */
export default async function setup(): Promise<void> {
  if (rendererStale()) await buildRenderer();
  if (mainStale()) await buildMain();
}
