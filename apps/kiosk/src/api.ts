import { AppError, ERROR_CODES, type ErrorCode } from '@smartmirror/api';
import type {
  AddExamplesResponse,
  DeletedResponse,
  EmbeddedExampleInput,
  ExamplesSyncResponse,
  KioskConfigResponse,
  KioskEvent,
  LabelExamplesResponse,
  LabelsResponse,
  RecommendationsResponse,
} from '@smartmirror/api';

/** The server as the kiosk sees it. Every failure is an AppError; a network failure is SERVICE_UNAVAILABLE. */
export interface KioskApi {
  config(): Promise<KioskConfigResponse>;
  examples(modelId: string): Promise<ExamplesSyncResponse>;
  recommendations(label: string): Promise<RecommendationsResponse>;
  labels(): Promise<LabelsResponse>;
  labelExamples(label: string): Promise<LabelExamplesResponse>;
  /** Needs the kiosk token. */
  addExample(label: string, example: EmbeddedExampleInput, token: string): Promise<AddExamplesResponse>;
  /** Needs a token the server accepts for deletion. */
  deleteExample(id: string, token: string): Promise<DeletedResponse>;
  /** Analytics; needs the kiosk token. */
  sendEvents(events: KioskEvent[], token: string): Promise<void>;
}

/** Options of createApi. */
export interface ApiOptions {
  /** Origin + prefix of the server, e.g. '' for same origin. Default ''. */
  baseUrl?: string;
  /** Injected for tests. Default globalThis.fetch. */
  fetch?: typeof fetch;
  /** Per-request timeout, ms. Default 10000. */
  timeoutMs?: number;
}

/** The kiosk's HTTP client. */
export function createApi(opts: ApiOptions = {}): KioskApi {
  const base = opts.baseUrl ?? '';
  const doFetch = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
  const timeoutMs = opts.timeoutMs ?? 10_000;

  async function call<T>(method: string, path: string, init: { body?: unknown; token?: string } = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(timeoutMs),
        cache: 'no-store',
      });
    } catch (cause) {
      throw new AppError('SERVICE_UNAVAILABLE', 'The server cannot be reached.', { cause });
    }
    if (res.ok) return (res.status === 204 ? undefined : await res.json()) as T;
    throw await errorOf(res);
  }

  const enc = encodeURIComponent;
  return {
    config: () => call('GET', '/api/kiosk/config'),
    examples: (modelId) => call('GET', `/api/examples?modelId=${enc(modelId)}`),
    recommendations: (label) => call('GET', `/api/labels/${enc(label)}/recommendations`),
    labels: () => call('GET', '/api/labels'),
    labelExamples: (label) => call('GET', `/api/labels/${enc(label)}/examples`),
    addExample: (label, example, token) => call('POST', `/api/labels/${enc(label)}/examples`, { body: example, token }),
    deleteExample: (id, token) => call('DELETE', `/api/examples/${enc(id)}`, { token }),
    sendEvents: async (events, token) => {
      await call('POST', '/api/kiosk/events', { body: { events }, token });
    },
  };
}

/** The AppError an error response carries (its code when known, else one derived from the status). */
async function errorOf(res: Response): Promise<AppError> {
  let code: string | undefined;
  let message = `The server answered ${res.status}.`;
  try {
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') code = body.error.code;
    if (typeof body.error?.message === 'string') message = body.error.message;
  } catch {
    // Not JSON (a proxy's error page): keep the status-derived message.
  }
  const known = code !== undefined && code in ERROR_CODES ? (code as ErrorCode) : statusCode(res.status);
  return new AppError(known, message, { status: res.status });
}

function statusCode(status: number): ErrorCode {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 503 || status === 502 || status === 504) return 'SERVICE_UNAVAILABLE';
  return status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
}

/** Decodes base64 of little-endian float32 (the wire format of embeddings). */
export function decodeEmbedding(b64: string): Float32Array {
  const bin = atob(b64);
  if (bin.length % 4 !== 0) throw new AppError('INVALID_EMBEDDING', 'An embedding is not a whole number of float32 values.');
  const view = new DataView(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) view.setUint8(i, bin.charCodeAt(i));
  const out = new Float32Array(bin.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** Encodes an embedding as base64 of little-endian float32 (3× smaller than a JSON array). */
export function encodeEmbedding(vector: Float32Array): string {
  const view = new DataView(new ArrayBuffer(vector.length * 4));
  vector.forEach((v, i) => view.setFloat32(i * 4, v, true));
  const bytes = new Uint8Array(view.buffer);
  let bin = '';
  // Chunks keep String.fromCharCode under the engine's argument limit.
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}
