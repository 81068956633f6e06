import {
  AppError,
  HealthResponse,
  KioskConfigResponse,
  KioskEventsBody,
  KioskEventsResponse,
  SessionLogin,
  SessionResponse,
  Settings,
  SettingsPatch,
} from '@smartmirror/api';
import { z } from 'zod';
import type { ServedModel } from '../deps.ts';
import { sseFrame } from '../sse.ts';
import type { RegisterRoutes } from './context.ts';

/** Seconds between SSE heartbeat comments (keeps proxies and idle timers from closing the stream). */
export const HEARTBEAT_MS = 15_000;

/** Path prefix of the TF.js wasm binaries. */
export const WASM_PREFIX = '/tfjs-wasm/';

/** Health, kiosk config, settings, kiosk events, sessions, the SSE stream and the model files. */
export const registerSystemRoutes: RegisterRoutes = (app, ctx) => {
  const { mirror, auth, events } = ctx;

  app.get('/api/health', { schema: { tags: ['system'], response: { 200: HealthResponse } } }, () => ({
    status: 'ok' as const,
    buildId: ctx.buildId,
    modelId: mirror.modelId,
    examples: mirror.size(),
    uptimeS: Math.max(0, (ctx.clock.now().getTime() - ctx.startedAt) / 1000),
  }));

  let served: Promise<ServedModel> | null = null;
  const model = async (): Promise<ServedModel> => {
    if (!ctx.model) throw new AppError('MODEL_NOT_FOUND', 'This server does not serve its model to browsers.');
    served ??= ctx.model().catch((err: unknown) => {
      served = null;
      throw err;
    });
    return served;
  };
  const modelUrl = (): string => `/api/models/${encodeURIComponent(mirror.modelId)}/model.json`;

  app.get('/api/kiosk/config', { schema: { tags: ['kiosk'], response: { 200: KioskConfigResponse } } }, async () => {
    const info = (await model().catch(() => null)) ?? null;
    return {
      buildId: ctx.buildId,
      model: {
        id: mirror.modelId,
        inputSize: ctx.embedderInfo.inputSize,
        inputRange: [ctx.embedderInfo.inputRange[0], ctx.embedderInfo.inputRange[1]] as [number, number],
        cutLayers: [...ctx.embedderInfo.cutLayers],
        dim: mirror.dim,
        flip: info?.flip ?? false,
        url: modelUrl(),
      },
      settings: mirror.settings(),
      wasmPath: WASM_PREFIX,
    };
  });

  const ModelParams = z.object({ id: z.string().min(1).max(200) });
  const ensureActive = (id: string): void => {
    if (id !== mirror.modelId) throw new AppError('MODEL_NOT_FOUND', `This server serves ${mirror.modelId}, not ${id}.`);
  };
  app.get('/api/models/:id/model.json', { schema: { tags: ['kiosk'], params: ModelParams } }, async (req, reply) => {
    ensureActive(req.params.id);
    const m = await model();
    return reply.type('application/json').header('cache-control', 'public, max-age=86400').send(JSON.stringify(m.modelJson));
  });
  app.get('/api/models/:id/weights.bin', { schema: { tags: ['kiosk'], params: ModelParams } }, async (req, reply) => {
    ensureActive(req.params.id);
    const m = await model();
    return reply.type('application/octet-stream').header('cache-control', 'public, max-age=86400').send(Buffer.from(m.weights.buffer, m.weights.byteOffset, m.weights.byteLength));
  });

  app.get('/api/settings', { schema: { tags: ['settings'], response: { 200: Settings } } }, () => mirror.settings());
  app.put(
    '/api/settings',
    { preHandler: auth.requireRole('admin'), schema: { tags: ['settings'], body: SettingsPatch, response: { 200: Settings } } },
    async (req) => mirror.updateSettings(req.body),
  );

  app.post(
    '/api/kiosk/events',
    { preHandler: auth.requireRole('kiosk'), bodyLimit: 256 * 1024, schema: { tags: ['kiosk'], body: KioskEventsBody, response: { 202: KioskEventsResponse } } },
    async (req, reply) => reply.status(202).send({ accepted: await mirror.recordEvents(req.body.events) }),
  );

  app.post('/api/session', { schema: { tags: ['session'], body: SessionLogin, response: { 200: SessionResponse } } }, (req, reply) => {
    const csrfToken = auth.login(req.body.token, reply);
    return { authenticated: true, role: 'admin' as const, csrfToken };
  });
  app.get('/api/session', { schema: { tags: ['session'], response: { 200: SessionResponse } } }, (req) => {
    const s = auth.session(req);
    return s ? { authenticated: true, role: 'admin' as const, csrfToken: s.csrfToken } : { authenticated: false, role: null, csrfToken: null };
  });
  app.delete('/api/session', { schema: { tags: ['session'], response: { 200: SessionResponse } } }, (req, reply) => {
    auth.logout(req, reply);
    return { authenticated: false, role: null, csrfToken: null };
  });

  app.get('/api/events/stream', { schema: { tags: ['system'], description: 'Server-sent events typed by EventMap; first event `hello`.' } }, (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
      // Tells nginx-like proxies not to buffer the stream.
      'x-accel-buffering': 'no',
    });
    res.write(sseFrame('hello', { buildId: ctx.buildId, modelId: mirror.modelId, serverTime: ctx.clock.now().toISOString() }));
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    let done = false;
    const cleanup = (): void => {
      if (done) return;
      done = true;
      clearInterval(heartbeat);
      unsubscribe();
      res.end();
    };
    const unsubscribe = events.subscribe((type, data) => res.write(sseFrame(type, data)), cleanup);
    req.raw.on('close', cleanup);
    res.on('error', cleanup);
  });
};
