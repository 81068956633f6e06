// The back office's HTTP client: the session cookie travels by itself, the CSRF token is sent on
// every non-GET request, and every failure becomes an AppError so views show one kind of error.
import { AppError, ERROR_CODES, type ErrorCode } from '@smartmirror/api';
import type {
  AnalyticsResponse,
  BoughtTogetherResponse,
  BoughtTogetherSettings,
  CatalogImportResponse,
  DeletedResponse,
  LabelExamplesResponse,
  LabelMoveResponse,
  LabelsResponse,
  OrdersSummary,
  Product,
  ProductInput,
  ProductPatch,
  ProductsResponse,
  QualityResponse,
  RecStrategy,
  RecStrategyResponse,
  RecommendationsResponse,
  ResolvedRecommendationsResponse,
  SessionResponse,
  Settings,
  SettingsPatch,
} from '@smartmirror/api';

/** Query of the analytics routes. */
export interface AnalyticsRange {
  from: string;
  to: string;
  bucket: 'hour' | 'day';
}

/** Every call the back office makes. */
export interface AdminApi {
  session(): Promise<SessionResponse>;
  login(token: string): Promise<SessionResponse>;
  logout(): Promise<void>;
  labels(): Promise<LabelsResponse>;
  labelExamples(label: string): Promise<LabelExamplesResponse>;
  deleteExample(id: string): Promise<DeletedResponse>;
  deleteLabel(label: string): Promise<DeletedResponse>;
  renameLabel(label: string, to: string): Promise<LabelMoveResponse>;
  mergeLabel(label: string, into: string): Promise<LabelMoveResponse>;
  /** `threshold`: cosine similarity from which two examples count as near-duplicates. */
  quality(threshold: number): Promise<QualityResponse>;
  products(): Promise<ProductsResponse>;
  createProduct(input: ProductInput): Promise<Product>;
  updateProduct(id: string, patch: ProductPatch): Promise<Product>;
  deleteProduct(id: string): Promise<void>;
  setProductImage(id: string, file: File): Promise<Product>;
  importCatalog(step: 'preview' | 'commit', manifest: File, images: readonly File[]): Promise<CatalogImportResponse>;
  recommendations(label: string): Promise<RecommendationsResponse>;
  setRecommendations(label: string, productIds: string[]): Promise<void>;
  strategy(label: string): Promise<RecStrategyResponse>;
  setStrategy(label: string, strategy: RecStrategy): Promise<RecStrategyResponse>;
  resolved(label: string): Promise<ResolvedRecommendationsResponse>;
  orders(): Promise<OrdersSummary>;
  importOrders(csv: File): Promise<OrdersSummary>;
  boughtSettings(): Promise<BoughtTogetherSettings>;
  setBoughtSettings(s: BoughtTogetherSettings): Promise<BoughtTogetherSettings>;
  boughtTogether(productId: string): Promise<BoughtTogetherResponse>;
  analytics(range: AnalyticsRange): Promise<AnalyticsResponse>;
  /** URL of the CSV export of the same range (a plain link: the cookie authenticates it). */
  analyticsCsvUrl(range: AnalyticsRange): string;
  settings(): Promise<Settings>;
  setSettings(patch: SettingsPatch): Promise<Settings>;
  rotateKioskToken(): Promise<{ kioskToken: string }>;
}

/** The AppError an error response carries (its code when known, else one derived from the status). */
async function errorOf(res: Response): Promise<AppError> {
  let code: ErrorCode = res.status === 401 ? 'UNAUTHENTICATED' : res.status === 403 ? 'FORBIDDEN' : res.status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
  let message = res.statusText || `HTTP ${res.status}`;
  let details: unknown;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string; details?: unknown } };
    if (body.error?.code && body.error.code in ERROR_CODES) code = body.error.code as ErrorCode;
    if (body.error?.message) message = body.error.message;
    details = body.error?.details;
  } catch {
    // Not JSON (a proxy page, say): keep the status-derived code.
  }
  return new AppError(code, message, { status: res.status, details });
}

/** Creates the client; `onUnauthenticated` runs when the session ended so the app can show the login. */
export function createAdminApi(onUnauthenticated: () => void = () => undefined): AdminApi {
  let csrf: string | null = null;

  async function send(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body instanceof Blob) {
      payload = body;
      headers['content-type'] = body.type || 'application/octet-stream';
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
    let res: Response;
    try {
      res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', cache: 'no-store' });
    } catch (cause) {
      throw new AppError('SERVICE_UNAVAILABLE', 'The server cannot be reached.', { cause });
    }
    if (res.ok) return res;
    const err = await errorOf(res);
    if (err.code === 'UNAUTHENTICATED' && path !== '/api/session') onUnauthenticated();
    throw err;
  }
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await send(method, path, body);
    return (res.status === 204 ? undefined : await res.json()) as T;
  }
  const remember = (s: SessionResponse): SessionResponse => {
    csrf = s.csrfToken;
    return s;
  };
  const enc = encodeURIComponent;
  const rangeQuery = (r: AnalyticsRange): string => `from=${enc(r.from)}&to=${enc(r.to)}&bucket=${r.bucket}`;

  return {
    session: async () => remember(await call<SessionResponse>('GET', '/api/session')),
    login: async (token) => remember(await call<SessionResponse>('POST', '/api/session', { token })),
    logout: async () => {
      await send('DELETE', '/api/session');
      csrf = null;
    },
    labels: () => call('GET', '/api/labels'),
    labelExamples: (label) => call('GET', `/api/labels/${enc(label)}/examples`),
    deleteExample: (id) => call('DELETE', `/api/examples/${enc(id)}`),
    deleteLabel: (label) => call('DELETE', `/api/labels/${enc(label)}`),
    renameLabel: (label, to) => call('POST', `/api/admin/labels/${enc(label)}/rename`, { to }),
    mergeLabel: (label, into) => call('POST', `/api/admin/labels/${enc(label)}/merge`, { into }),
    quality: (threshold) => call('GET', `/api/admin/quality?threshold=${threshold}`),
    products: () => call('GET', '/api/products'),
    createProduct: (input) => call('POST', '/api/products', input),
    updateProduct: (id, patch) => call('PATCH', `/api/products/${enc(id)}`, patch),
    deleteProduct: async (id) => {
      await send('DELETE', `/api/products/${enc(id)}`);
    },
    setProductImage: (id, file) => {
      const form = new FormData();
      form.append('image', file, file.name);
      return call('PUT', `/api/products/${enc(id)}/image`, form);
    },
    importCatalog: (step, manifest, images) => {
      const form = new FormData();
      form.append('manifest', manifest, manifest.name);
      // webkitRelativePath keeps folder names; the server matches on the last path segment.
      for (const img of images) form.append('images', img, img.name);
      return call('POST', `/api/admin/catalog/import/${step}`, form);
    },
    recommendations: (label) => call('GET', `/api/labels/${enc(label)}/recommendations`),
    setRecommendations: async (label, productIds) => {
      await send('PUT', `/api/labels/${enc(label)}/recommendations`, { productIds });
    },
    strategy: (label) => call('GET', `/api/admin/labels/${enc(label)}/strategy`),
    setStrategy: (label, strategy) => call('PUT', `/api/admin/labels/${enc(label)}/strategy`, strategy),
    resolved: (label) => call('GET', `/api/admin/labels/${enc(label)}/resolved`),
    orders: () => call('GET', '/api/admin/orders'),
    importOrders: (csv) => call('POST', '/api/admin/orders/import', new Blob([csv], { type: 'text/csv' })),
    boughtSettings: () => call('GET', '/api/admin/bought-together/settings'),
    setBoughtSettings: (s) => call('PUT', '/api/admin/bought-together/settings', s),
    boughtTogether: (productId) => call('GET', `/api/admin/bought-together/${enc(productId)}`),
    analytics: (range) => call('GET', `/api/admin/analytics?${rangeQuery(range)}`),
    analyticsCsvUrl: (range) => `/api/admin/analytics.csv?${rangeQuery(range)}`,
    settings: () => call('GET', '/api/settings'),
    setSettings: (patch) => call('PUT', '/api/settings', patch),
    rotateKioskToken: () => call('POST', '/api/admin/kiosk-token/rotate'),
  };
}
