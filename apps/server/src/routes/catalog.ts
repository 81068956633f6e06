import {
  AppError,
  DeletedResponse,
  IdParams,
  LabelParams,
  Product,
  ProductInput,
  ProductPatch,
  ProductsResponse,
  RecommendationsPut,
  RecommendationsResponse,
} from '@smartmirror/api';
import type { RegisterRoutes } from './context.ts';
import { MAX_UPLOAD_TOTAL_FACTOR, readFileParts } from './uploads.ts';

const tags = ['products and recommendations'];

/** Products CRUD (GET public), product images, ranked recommendations per label. */
export const registerCatalogRoutes: RegisterRoutes = (app, ctx) => {
  const { catalog, auth } = ctx;
  const admin = auth.requireRole('admin');

  app.get('/api/products', { schema: { tags, response: { 200: ProductsResponse } } }, async () => ({ products: await catalog.list() }));

  app.get('/api/products/:id', { schema: { tags, params: IdParams, response: { 200: Product } } }, async (req) => catalog.get(req.params.id));

  app.post('/api/products', { preHandler: admin, schema: { tags, body: ProductInput, response: { 201: Product } } }, async (req, reply) =>
    reply.status(201).send(await catalog.create(req.body)),
  );

  app.patch('/api/products/:id', { preHandler: admin, schema: { tags, params: IdParams, body: ProductPatch, response: { 200: Product } } }, async (req) =>
    catalog.update(req.params.id, req.body),
  );

  app.delete('/api/products/:id', { preHandler: admin, schema: { tags, params: IdParams, response: { 200: DeletedResponse } } }, async (req) => {
    await catalog.remove(req.params.id);
    return { deleted: 1 };
  });

  app.put(
    '/api/products/:id/image',
    {
      preHandler: admin,
      schema: { tags, description: 'Multipart with one image file (JPEG, PNG, WebP or GIF).', params: IdParams, response: { 200: Product } },
    },
    async (req) => {
      if (!req.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Upload the image as multipart/form-data.');
      const files = await readFileParts(req, ctx.config.maxUploadBytes * MAX_UPLOAD_TOTAL_FACTOR);
      if (files.length !== 1 || !files[0]) throw new AppError('BAD_REQUEST', 'Send exactly one image.');
      return catalog.setImage(req.params.id, files[0]);
    },
  );

  app.get('/api/products/:id/image', { schema: { tags, params: IdParams } }, async (req, reply) => {
    const img = await catalog.image(req.params.id);
    // The URL carries ?v=<version>, so a changed image has a new URL and this one can be cached.
    return reply.type(img.type).header('cache-control', 'public, max-age=31536000, immutable').send(Buffer.from(img.bytes));
  });

  app.get('/api/labels/:label/recommendations', { schema: { tags, params: LabelParams, response: { 200: RecommendationsResponse } } }, async (req) => ({
    label: req.params.label,
    products: await catalog.recommendations(req.params.label),
  }));

  app.put(
    '/api/labels/:label/recommendations',
    { preHandler: admin, schema: { tags, params: LabelParams, body: RecommendationsPut, response: { 200: RecommendationsResponse } } },
    async (req) => ({ label: req.params.label, products: await catalog.setRecommendations(req.params.label, req.body.productIds) }),
  );
};
