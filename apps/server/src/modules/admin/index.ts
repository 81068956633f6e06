import type { ServerModule } from '../types.ts';
import { createAnalyticsService } from './analytics.ts';
import { createCatalogImportService } from './catalog-import.ts';
import { createLabelAdminService } from './labels.ts';
import { ADMIN_MIGRATIONS } from './migrations.ts';
import { createAdminRecommendationsService } from './recommendations.ts';
import { createSqliteAdminRepositories } from './repository.ts';
import { registerAdminRoutes } from './routes.ts';

/**
 * The back office module: catalog bulk import, per-label recommendation strategies with
 * bought-together, label rename/merge and data quality, analytics. Routes under /api/admin/.
 */
export const adminModule: ServerModule = {
  name: 'admin',
  migrations: ADMIN_MIGRATIONS,
  async register(app, ctx) {
    const admin = createSqliteAdminRepositories(ctx.repos.sql);
    const recs = createAdminRecommendationsService({ repos: ctx.repos, admin, clock: ctx.clock, events: ctx.events });
    // The public GET /api/labels/:label/recommendations (and classify) resolve through the strategies.
    ctx.catalog.setRecommendationSource((label) => recs.products(label));
    await registerAdminRoutes(app, ctx, {
      catalogImport: createCatalogImportService({ repos: ctx.repos, clock: ctx.clock, ids: ctx.ids, events: ctx.events }),
      recs,
      analytics: createAnalyticsService({ analytics: admin.analytics, clock: ctx.clock }),
      labels: createLabelAdminService({ repos: ctx.repos, labels: admin.labels, mirror: ctx.mirror, events: ctx.events }),
    });
  },
};
