import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ImportQuery, ImportResponse } from '@smartmirror/api';
import type { RegisterRoutes } from './context.ts';

/** GET /api/export and POST /api/import (admin). */
export const registerTransferRoutes: RegisterRoutes = (app, ctx) => {
  const admin = ctx.auth.requireRole('admin');

  app.get(
    '/api/export',
    { preHandler: admin, schema: { tags: ['export and import'], description: 'Whole store as one checksummed bundle (application/octet-stream).' } },
    async (_req, reply) => {
      const bytes = await ctx.transfer.exportBundle();
      const name = `smartmirror-${ctx.clock.now().toISOString().slice(0, 10)}.smb`;
      return reply
        .type('application/octet-stream')
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'no-store')
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
  );

  void app.register((plain, _opts, registered) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    // Bundles are raw bytes; this parser exists only in this scope, with the bundle size limit.
    scope.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: ctx.config.maxBundleBytes }, (_req, body, done) => {
      done(null, body);
    });
    scope.post(
      '/api/import',
      {
        preHandler: admin,
        bodyLimit: ctx.config.maxBundleBytes,
        schema: {
          tags: ['export and import'],
          description: 'Body: an export bundle (application/octet-stream). Validated whole before anything is written; one transaction.',
          querystring: ImportQuery,
          response: { 200: ImportResponse },
        },
      },
      async (req) => {
        const body = req.body;
        const bytes = Buffer.isBuffer(body) ? new Uint8Array(body.buffer, body.byteOffset, body.byteLength) : new Uint8Array();
        return ctx.transfer.importBundle(bytes, req.query.mode);
      },
    );
    registered();
  });
};
