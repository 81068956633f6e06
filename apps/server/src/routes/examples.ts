import {
  AddExamplesJsonBody,
  AddExamplesResponse,
  AppError,
  ClassifyJsonBody,
  ClassifyResponse,
  DeletedResponse,
  ExamplesQuery,
  ExamplesSyncResponse,
  IdParams,
  LabelExamplesResponse,
  LabelParams,
  LabelsResponse,
} from '@smartmirror/api';
import { encodeEmbedding, parseEmbedding } from '../embedding.ts';
import { parseOrThrow } from '../errors.ts';
import type { PreparedExample } from '../services/mirror.ts';
import { thumbnailFromBase64 } from '../thumbnails.ts';
import type { RegisterRoutes } from './context.ts';
import { MAX_UPLOAD_TOTAL_FACTOR, readFileParts } from './uploads.ts';
import { classifyWithRecommendations } from '../services/classify.ts';

const tags = ['labels and examples'];

/** Labels, examples (teaching), the kiosk sync source and classification. */
export const registerExampleRoutes: RegisterRoutes = (app, ctx) => {
  const { mirror, auth } = ctx;

  const checkModel = (modelId: string | undefined): void => {
    if (modelId !== undefined && modelId !== mirror.modelId) {
      throw new AppError('MODEL_MISMATCH', `This embedding is from ${modelId}; the server runs ${mirror.modelId}. Reload the kiosk.`);
    }
  };

  app.get('/api/labels', { schema: { tags, response: { 200: LabelsResponse } } }, async () => {
    const rows = await ctx.repos.examples.labels(mirror.modelId);
    return {
      labels: rows.map((r) => ({
        label: r.label,
        examples: r.examples,
        otherModelExamples: r.otherModelExamples,
        thumbnails: r.thumbnailIds.map((id) => `/api/examples/${id}/thumbnail`),
        updatedAt: r.updatedAt,
        recommendations: r.recommendations,
      })),
    };
  });

  app.post(
    '/api/labels/:label/examples',
    {
      preHandler: auth.requireRole('kiosk'),
      schema: {
        tags,
        description:
          'Teach a label. Either multipart with one or more `image` files (the server embeds them) or JSON AddExamplesJsonBody from a kiosk that embedded the frame itself. Kiosk or admin token.',
        params: LabelParams,
        response: { 201: AddExamplesResponse },
      },
    },
    async (req, reply) => {
      const { label } = req.params;
      let prepared: PreparedExample[];
      let source: 'kiosk' | 'upload';
      if (req.isMultipart()) {
        prepared = await mirror.embedImages(await readFileParts(req, ctx.config.maxUploadBytes * MAX_UPLOAD_TOTAL_FACTOR));
        source = 'upload';
      } else {
        const body = parseOrThrow(AddExamplesJsonBody, req.body);
        const items = 'examples' in body ? body.examples : [body];
        prepared = [];
        // Everything is checked and re-encoded before the first row is written.
        for (const it of items) {
          checkModel(it.modelId);
          prepared.push({
            embedding: parseEmbedding(it.embedding, mirror.dim),
            thumbnail: it.thumbnail === undefined ? null : await thumbnailFromBase64(it.thumbnail),
          });
        }
        source = 'kiosk';
      }
      const examples = await mirror.addExamples(label, prepared, source);
      return reply.status(201).send({ examples });
    },
  );

  app.get('/api/labels/:label/examples', { schema: { tags, params: LabelParams, response: { 200: LabelExamplesResponse } } }, async (req) => ({
    label: req.params.label,
    examples: await mirror.listExamples(req.params.label),
  }));

  app.delete(
    '/api/labels/:label',
    { preHandler: auth.requireRole('admin'), schema: { tags, params: LabelParams, response: { 200: DeletedResponse } } },
    async (req) => ({ deleted: await mirror.removeLabel(req.params.label) }),
  );

  app.get(
    '/api/examples',
    {
      schema: {
        tags,
        description: "Every example of a model with its vector: the kiosk's sync source (public).",
        querystring: ExamplesQuery,
        response: { 200: ExamplesSyncResponse },
      },
    },
    async (req) => {
      const modelId = req.query.modelId ?? mirror.modelId;
      const rows = await ctx.repos.examples.vectors(modelId);
      return {
        modelId,
        dim: rows[0]?.embedding.length ?? (modelId === mirror.modelId ? mirror.dim : null),
        examples: rows.map((r) => ({ id: r.id, label: r.label, embedding: encodeEmbedding(r.embedding) })),
      };
    },
  );

  app.get('/api/examples/:id/thumbnail', { schema: { tags, params: IdParams } }, async (req, reply) => {
    const thumb = await ctx.repos.examples.thumbnail(req.params.id);
    if (!thumb) throw new AppError('NOT_FOUND', `Example ${req.params.id} has no thumbnail.`);
    // An example's thumbnail never changes: its id is its version.
    return reply.type('image/jpeg').header('cache-control', 'public, max-age=31536000, immutable').send(Buffer.from(thumb));
  });

  app.delete(
    '/api/examples/:id',
    { preHandler: auth.requireRole('admin'), schema: { tags, params: IdParams, response: { 200: DeletedResponse } } },
    async (req) => {
      await mirror.removeExample(req.params.id);
      return { deleted: 1 };
    },
  );

  app.post(
    '/api/classify',
    {
      schema: {
        tags: ['recognition'],
        description:
          'Recognise a product: multipart `image` (the server embeds it) or JSON ClassifyJsonBody {embedding, modelId?}. Public, like the kiosk screen.',
        response: { 200: ClassifyResponse },
      },
    },
    async (req) => {
      let embedding: Float32Array;
      if (req.isMultipart()) {
        const files = await readFileParts(req, ctx.config.maxUploadBytes * MAX_UPLOAD_TOTAL_FACTOR);
        if (files.length !== 1) throw new AppError('BAD_REQUEST', 'Send exactly one image to classify.');
        const [prepared] = await mirror.embedImages(files);
        if (!prepared) throw new AppError('INTERNAL', 'No embedding.');
        embedding = prepared.embedding;
      } else {
        const body = parseOrThrow(ClassifyJsonBody, req.body);
        checkModel(body.modelId);
        embedding = parseEmbedding(body.embedding, mirror.dim);
      }
      return (await classifyWithRecommendations(mirror, ctx.catalog, embedding)).answer;
    },
  );
};

