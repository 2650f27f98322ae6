import type { ModuleDeps } from '../deps.ts';
import type { CatalogReader } from '../catalog/reader.ts';
import type { ProgressSummaries } from '../progress/summary.ts';
import { enrollmentService } from './service.ts';
import { learningService } from './learning.ts';
import { enrollmentRoutes } from './routes.ts';
import type { UserDirectory } from './users.ts';

export interface EnrollmentModuleDeps extends ModuleDeps {
  catalog: CatalogReader;
  users: UserDirectory;
  /** The progress module's summaries; a function because that module is composed after this one. */
  progress: () => ProgressSummaries;
}

export function createEnrollmentModule(deps: EnrollmentModuleDeps) {
  const service = enrollmentService(deps.db, deps.catalog);
  const learning = learningService({
    service,
    catalog: deps.catalog,
    users: deps.users,
    progress: deps.progress,
  });
  return {
    routes: enrollmentRoutes(service, learning),
    ...service,
    learning,
  };
}
export type EnrollmentModule = ReturnType<typeof createEnrollmentModule>;
