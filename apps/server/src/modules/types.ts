import type { App } from '../deps.ts';
import type { RouteContext } from '../routes/context.ts';
import type { Migration } from '../store/types.ts';

/**
 * A feature module of the server (e.g. the back office's analytics and catalog tools). It adds
 * its routes with the same auth, services and event hub as the core routes, and may own tables
 * through migrations named `<module>-NNN-…`, run after the core migrations.
 */
export interface ServerModule {
  name: string;
  migrations?: readonly Migration[];
  register(app: App, ctx: RouteContext): void | Promise<void>;
}
