import { z } from 'zod';
import { AppError } from '@smartmirror/api';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/**
 * Every setting of the server, validated once at start. Each key is read from its environment
 * variable (and, for some, a CLI flag, which wins). The README's configuration table is generated
 * from this schema by `config-doc.ts`, so the descriptions are user-facing.
 */
export const ConfigSchema = z.object({
  dataDir: z.string().min(1).default('./data').describe('Folder holding the database and the tokens (created when missing)'),
  port: int(0, 65535).default(8080).describe('TCP port to listen on (0 = any free port)'),
  host: z.string().min(1).default('0.0.0.0').describe('Interface to listen on'),
  model: z.string().min(1).default('mobilenet-v2').describe('Embedding model: a preset name or a path to a TF.js model'),
  modelsDir: z.string().min(1).optional().describe('Folder of model presets (e.g. ../shared/models)'),
  adminToken: z.string().min(16).max(200).optional().describe('Admin token; generated on first start and kept in the data folder when unset'),
  kioskToken: z.string().min(16).max(200).optional().describe('Kiosk token (may only teach and report events); generated when unset'),
  maxUploadBytes: int(1024, 1 << 30).default(16 * 1024 * 1024).describe('Largest uploaded image, bytes'),
  maxImagePixels: int(1, 1e9).default(40_000_000).describe('Largest accepted image width × height, pixels'),
  maxBundleBytes: int(1024, 4 * 1024 * 1024 * 1024 - 1).default(512 * 1024 * 1024).describe('Largest import bundle, bytes'),
  threshold: z.coerce
    .number()
    .min(-1)
    .max(1)
    .optional()
    .describe('Initial similarity (whitened metric) under which a frame is "unknown" (then edited in the back office); default: the model preset\'s measured value (0.6397 for mobilenet-v2), 0.6 for other models'),
  k: int(1, 50).default(1).describe('Initial number of nearest neighbours that vote (1 measured best)'),
  smoothingWindow: int(1, 60).default(5).describe('Initial number of frames a kiosk votes over'),
  idleTimeoutMs: int(1000, 3_600_000).default(30_000).describe('Initial kiosk idle timeout, ms'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('Log level (logs go to stdout as JSON)'),
  demo: z.stringbool().default(true).describe('Seed the demo catalog and its labels when the data folder is new (true/false)'),
});

/** The validated configuration. */
export type Config = z.infer<typeof ConfigSchema>;

/** Environment variable of each config key. */
export const CONFIG_ENV: Record<keyof Config, string> = {
  dataDir: 'SMARTMIRROR_DATA',
  port: 'SMARTMIRROR_PORT',
  host: 'SMARTMIRROR_HOST',
  model: 'SMARTMIRROR_MODEL',
  modelsDir: 'SMARTMIRROR_MODELS_DIR',
  adminToken: 'SMARTMIRROR_ADMIN_TOKEN',
  kioskToken: 'SMARTMIRROR_KIOSK_TOKEN',
  maxUploadBytes: 'SMARTMIRROR_MAX_UPLOAD_BYTES',
  maxImagePixels: 'SMARTMIRROR_MAX_IMAGE_PIXELS',
  maxBundleBytes: 'SMARTMIRROR_MAX_BUNDLE_BYTES',
  threshold: 'SMARTMIRROR_THRESHOLD',
  k: 'SMARTMIRROR_K',
  smoothingWindow: 'SMARTMIRROR_SMOOTHING_WINDOW',
  idleTimeoutMs: 'SMARTMIRROR_IDLE_TIMEOUT_MS',
  logLevel: 'SMARTMIRROR_LOG_LEVEL',
  demo: 'SMARTMIRROR_DEMO',
};

/** CLI flags that override a config key (`smartmirror serve --port 9000`). */
export const CONFIG_FLAGS: Partial<Record<keyof Config, string>> = {
  dataDir: '--data',
  port: '--port',
  host: '--host',
  model: '--model',
  modelsDir: '--models-dir',
};

/**
 * Builds the config from environment variables and flags (flags win). Fails fast with one
 * AppError naming the bad key and its variable; status 400 so the CLI exits 2.
 */
export function loadConfig(env: NodeJS.ProcessEnv, flags: Partial<Record<keyof Config, string | number | undefined>> = {}): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(CONFIG_ENV) as (keyof Config)[]) {
    const fromEnv = env[CONFIG_ENV[key]];
    const value = flags[key] ?? (fromEnv === '' ? undefined : fromEnv);
    if (value !== undefined) raw[key] = value;
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = (issue?.path[0] ?? '') as keyof Config;
  const source = flags[key] !== undefined && CONFIG_FLAGS[key] ? CONFIG_FLAGS[key] : (CONFIG_ENV[key] ?? String(key));
  throw new AppError('CONFIG_INVALID', `Invalid configuration ${source}: ${issue?.message ?? 'invalid value'}`, { status: 400 });
}
