import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError } from '@smartmirror/api';
import { createAuth } from './auth.ts';
import type { App, AppDeps, Clock, Ids } from './deps.ts';
import { errorHandler } from './errors.ts';
import { modules } from './modules/index.ts';
import { registerCatalogRoutes } from './routes/catalog.ts';
import type { RouteContext } from './routes/context.ts';
import { registerExampleRoutes } from './routes/examples.ts';
import { registerSystemRoutes, WASM_PREFIX } from './routes/system.ts';
import { registerTransferRoutes } from './routes/transfer.ts';
import { MAX_FILES_PER_REQUEST } from './routes/uploads.ts';
import { createCatalogService } from './services/catalog.ts';
import { createMirrorService } from './services/mirror.ts';
import { createTransferService } from './services/transfer.ts';
import { createEventHub } from './sse.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** JSON bodies larger than this are refused with 413 (examples with thumbnails are ~30 kB). */
export const JSON_BODY_LIMIT = 4 * 1024 * 1024;

// The kiosk compiles the model to WebAssembly ('wasm-unsafe-eval') and shows the camera
// (blob:/mediastream:); nothing may frame the app; images may be data: URLs from canvases.
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function defaultWasmDir(): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
  } catch {
    return null;
  }
}

const systemClock: Clock = { now: () => new Date() };
const randomIds: Ids = { uuid: () => randomUUID() };

/**
 * Builds the HTTP app: routes → services → repositories, all IO injected. The returned app is
 * ready (call `listen` to serve on a socket, or `inject` in tests); closing it does not close the
 * repositories (their owner does).
 */
export async function createApp(deps: AppDeps): Promise<App> {
  const { config, repos, embedder } = deps;
  const clock = deps.clock ?? systemClock;
  const ids = deps.ids ?? randomIds;
  const startedAt = clock.now().getTime();
  const buildId = deps.buildId ?? `dev-${startedAt.toString(36)}`;

  const app = Fastify({
    ...(deps.logger
      ? { loggerInstance: deps.logger }
      : { logger: deps.logLevel && deps.logLevel !== 'silent' ? { level: deps.logLevel } : false }),
    bodyLimit: JSON_BODY_LIMIT,
    // Lets close() end keep-alive sockets once their in-flight requests are answered.
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: 300 },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) => {
    const e = new AppError('NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0] ?? ''}.`);
    return reply.status(404).send(e.toJSON());
  });

  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(self), microphone=(), geolocation=()');
    // Swagger UI sets its own (stricter for its static files) policy.
    if (!req.url.startsWith('/api/docs')) reply.header('content-security-policy', CSP);
    return payload;
  });

  await app.register(fastifyCookie);
  await app.register(fastifyMultipart, { limits: { fileSize: config.maxUploadBytes, files: MAX_FILES_PER_REQUEST, fields: 20, parts: MAX_FILES_PER_REQUEST + 20 } });
  await app.register(fastifySwagger, {
    openapi: { info: { title: 'Smart mirror API', description: 'Teaching, recognition and recommendations.', version: '1' } },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  const events = createEventHub();
  const mirror = await createMirrorService({ config, repos, embedder, clock, ids, events });
  const catalog = createCatalogService({ repos, clock, ids, events, maxImagePixels: config.maxImagePixels });
  const transfer = createTransferService({ repos, clock, events, afterImport: () => mirror.reload() });
  const auth = createAuth(deps.tokens, clock);
  const ctx: RouteContext = {
    config,
    repos,
    mirror,
    catalog,
    transfer,
    auth,
    events,
    clock,
    ids,
    buildId,
    startedAt,
    model: deps.model,
    embedderInfo: embedder.info,
  };

  // SSE streams never end by themselves: end them first so close() can drain the rest.
  app.addHook('preClose', (done) => {
    events.closeAll();
    done();
  });

  registerSystemRoutes(app, ctx);
  registerExampleRoutes(app, ctx);
  registerCatalogRoutes(app, ctx);
  registerTransferRoutes(app, ctx);
  for (const m of modules) await m.register(app, ctx);

  const dirs = {
    kiosk: deps.staticDirs?.kiosk === undefined ? join(repoRoot, 'apps', 'kiosk', 'dist') : deps.staticDirs.kiosk,
    admin: deps.staticDirs?.admin === undefined ? join(repoRoot, 'apps', 'admin', 'dist') : deps.staticDirs.admin,
    wasm: deps.staticDirs?.wasm === undefined ? defaultWasmDir() : deps.staticDirs.wasm,
  };
  let decorated = false;
  const serve = async (root: string | null, prefix: string, filter?: (path: string) => boolean): Promise<void> => {
    if (root === null || !existsSync(root)) return;
    await app.register(fastifyStatic, {
      root,
      prefix,
      decorateReply: !decorated,
      wildcard: true,
      ...(filter ? { allowedPath: (path: string) => filter(path) } : {}),
    });
    decorated = true;
  };
  await serve(dirs.wasm, WASM_PREFIX, (p) => p.endsWith('.wasm'));
  await serve(dirs.admin, '/admin/');
  if (dirs.admin !== null && existsSync(dirs.admin)) app.get('/admin', { schema: { hide: true } }, (_req, reply) => reply.redirect('/admin/', 301));
  await serve(dirs.kiosk, '/');

  await app.ready();
  return app;
}
