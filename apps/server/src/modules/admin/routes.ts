// Routes of the back office module: parse, call a service, answer. Every route needs the admin
// role (Bearer admin token, or the session cookie plus x-csrf-token on writes).
import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AnalyticsQuery,
  AnalyticsResponse,
  AppError,
  BoughtTogetherResponse,
  BoughtTogetherSettings,
  KioskTokenResponse,
  CatalogImportResponse,
  LabelMergeBody,
  LabelMoveResponse,
  LabelParams,
  LabelRenameBody,
  OrdersImportQuery,
  OrdersSummary,
  QualityQuery,
  QualityResponse,
  RecStrategy,
  RecStrategyResponse,
  ResolvedRecommendationsResponse,
} from '@smartmirror/api';
import { randomToken } from '../../auth.ts';
import type { App } from '../../deps.ts';
import { createFileTokenStore } from '../../store/tokens.ts';
import type { RouteContext } from '../../routes/context.ts';
import type { AnalyticsService } from './analytics.ts';
import { MAX_IMPORT_ROWS, type CatalogImportService, type ImportFile } from './catalog-import.ts';
import type { LabelAdminService } from './labels.ts';
import type { AdminRecommendationsService } from './recommendations.ts';

/** Largest file of a catalog import, bytes (a zip of the whole image folder). */
export const MAX_IMPORT_FILE_BYTES = 128 * 1024 * 1024;

/** Largest orders CSV, bytes (2 million lines of short ids). */
export const MAX_ORDERS_CSV_BYTES = 96 * 1024 * 1024;

/** The module's services. */
export interface AdminServices {
  catalogImport: CatalogImportService;
  recs: AdminRecommendationsService;
  analytics: AnalyticsService;
  labels: LabelAdminService;
}

const tags = ['admin'];

/** Reads the import's multipart parts: one `manifest` file and any number of `images` files. */
async function readImport(req: FastifyRequest, maxFileBytes: number): Promise<{ manifest: ImportFile; images: ImportFile[] }> {
  if (!req.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send multipart/form-data with a manifest file and image files.');
  let manifest: ImportFile | null = null;
  const images: ImportFile[] = [];
  for await (const part of req.parts({ limits: { files: MAX_IMPORT_ROWS + 1, parts: MAX_IMPORT_ROWS + 20, fileSize: maxFileBytes } })) {
    if (part.type !== 'file') continue;
    const file = { name: part.filename || part.fieldname, bytes: new Uint8Array(await part.toBuffer()) };
    if (part.fieldname === 'manifest') {
      if (manifest) throw new AppError('BAD_REQUEST', 'Send one manifest file.');
      manifest = file;
    } else images.push(file);
  }
  if (!manifest) throw new AppError('BAD_REQUEST', 'The manifest file (CSV or JSON) is missing.');
  return { manifest, images };
}

/** Registers the routes in their own encapsulated scope (its CSV body parser stays local). */
export async function registerAdminRoutes(root: App, ctx: RouteContext, s: AdminServices): Promise<void> {
  await root.register((scope, _opts, done) => {
    const app = scope.withTypeProvider<ZodTypeProvider>();
    const admin = ctx.auth.requireRole('admin');
    app.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'string', bodyLimit: MAX_ORDERS_CSV_BYTES }, (_req, body, done) => done(null, body));

    for (const step of ['preview', 'commit'] as const) {
      app.post(
        `/api/admin/catalog/import/${step}`,
        {
          preHandler: admin,
          schema: {
            tags,
            description:
              step === 'preview'
                ? 'Multipart `manifest` (CSV or JSON) + `images` files: per-row check, nothing written.'
                : 'The same upload: writes every row in one transaction, or refuses (VALIDATION_FAILED, rows in details) when any row has errors.',
            response: { 200: CatalogImportResponse },
          },
        },
        async (req) => {
          const { manifest, images } = await readImport(req, Math.max(ctx.config.maxUploadBytes, MAX_IMPORT_FILE_BYTES));
          return step === 'preview' ? s.catalogImport.preview(manifest, images) : s.catalogImport.commit(manifest, images);
        },
      );
    }

    app.get('/api/admin/orders', { preHandler: admin, schema: { tags, response: { 200: OrdersSummary } } }, async () => s.recs.ordersSummary());
    app.post(
      '/api/admin/orders/import',
      {
        preHandler: admin,
        bodyLimit: MAX_ORDERS_CSV_BYTES,
        schema: { tags, description: 'Body: text/csv with order_id, product_id, qty.', querystring: OrdersImportQuery, response: { 200: OrdersSummary } },
      },
      async (req) => {
        if (typeof req.body !== 'string') throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the orders as text/csv.');
        return s.recs.importOrders(req.body, req.query.mode);
      },
    );

    app.get('/api/admin/bought-together/settings', { preHandler: admin, schema: { tags, response: { 200: BoughtTogetherSettings } } }, async () =>
      s.recs.boughtSettings(),
    );
    app.put(
      '/api/admin/bought-together/settings',
      { preHandler: admin, schema: { tags, body: BoughtTogetherSettings, response: { 200: BoughtTogetherSettings } } },
      async (req) => s.recs.setBoughtSettings(req.body),
    );
    app.get(
      '/api/admin/bought-together/:id',
      {
        preHandler: admin,
        schema: {
          tags,
          params: z.object({ id: z.string().min(1).max(100) }),
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
          response: { 200: BoughtTogetherResponse },
        },
      },
      async (req) => s.recs.boughtTogether(req.params.id, req.query.limit),
    );

    app.get('/api/admin/labels/:label/strategy', { preHandler: admin, schema: { tags, params: LabelParams, response: { 200: RecStrategyResponse } } }, async (req) => ({
      label: req.params.label,
      ...(await s.recs.strategy(req.params.label)),
    }));
    app.put(
      '/api/admin/labels/:label/strategy',
      { preHandler: admin, schema: { tags, params: LabelParams, body: RecStrategy, response: { 200: RecStrategyResponse } } },
      async (req) => ({ label: req.params.label, ...(await s.recs.setStrategy(req.params.label, req.body)) }),
    );
    app.get(
      '/api/admin/labels/:label/resolved',
      { preHandler: admin, schema: { tags, params: LabelParams, response: { 200: ResolvedRecommendationsResponse } } },
      async (req) => s.recs.resolve(req.params.label),
    );
    app.post(
      '/api/admin/labels/:label/rename',
      { preHandler: admin, schema: { tags, params: LabelParams, body: LabelRenameBody, response: { 200: LabelMoveResponse } } },
      async (req) => s.labels.rename(req.params.label, req.body.to),
    );
    app.post(
      '/api/admin/labels/:label/merge',
      { preHandler: admin, schema: { tags, params: LabelParams, body: LabelMergeBody, response: { 200: LabelMoveResponse } } },
      async (req) => s.labels.merge(req.params.label, req.body.into),
    );
    app.get('/api/admin/quality', { preHandler: admin, schema: { tags, querystring: QualityQuery, response: { 200: QualityResponse } } }, async (req) =>
      s.labels.quality(req.query.threshold),
    );

    app.get('/api/admin/analytics', { preHandler: admin, schema: { tags, querystring: AnalyticsQuery, response: { 200: AnalyticsResponse } } }, async (req) =>
      s.analytics.report(req.query),
    );
    app.get(
      '/api/admin/analytics.csv',
      { preHandler: admin, schema: { tags, description: 'The analytics as text/csv, one line per bucket and label.', querystring: AnalyticsQuery } },
      async (req, reply) =>
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="analytics.csv"')
          .send(await s.analytics.csv(req.query)),
    );
    app.post(
      '/api/admin/kiosk-token/rotate',
      {
        preHandler: admin,
        schema: { tags, description: 'A new random kiosk token, saved in the data folder; the old one stops working at once.', response: { 200: KioskTokenResponse } },
      },
      async () => {
        // A token fixed by the environment would come back on the next start: refuse, and say where it lives.
        if (ctx.config.kioskToken !== undefined) {
          throw new AppError('CONFLICT', 'The kiosk token is set by SMARTMIRROR_KIOSK_TOKEN: change it there and restart the server.');
        }
        const kioskToken = randomToken();
        await createFileTokenStore(ctx.config.dataDir).write('kiosk', kioskToken);
        ctx.auth.setKioskToken(kioskToken);
        return { kioskToken };
      },
    );
    done();
  });
}
