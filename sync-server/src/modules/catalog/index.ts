import type { ModuleDeps } from '../deps.ts';
import type { AnyRoute } from '../../http/route.ts';

export function createCatalogModule(_deps: ModuleDeps) {
  const routes: AnyRoute[] = [];
  return { routes };
}
