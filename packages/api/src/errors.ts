/**
 * Every error code the product can answer with, in one place. Codes are stable: the UIs map
 * them to friendly text and scripts may match on them, so never rename one, only add.
 */
export const ERROR_CODES = {
  // 400: the request is malformed or its content is invalid
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  INVALID_IMAGE: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IMAGE_TOO_LARGE: 413,
  PAYLOAD_TOO_LARGE: 413,
  INVALID_EMBEDDING: 400,
  MODEL_MISMATCH: 409,
  INVALID_BUNDLE: 400,
  BUNDLE_VERSION_UNSUPPORTED: 400,
  BUNDLE_CHECKSUM_MISMATCH: 400,
  INVALID_LABEL: 400,
  // 401/403: who is asking
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CSRF_FAILED: 403,
  // 404/409: what is asked about
  NOT_FOUND: 404,
  LABEL_NOT_FOUND: 404,
  EXAMPLE_NOT_FOUND: 404,
  PRODUCT_NOT_FOUND: 404,
  CONFLICT: 409,
  // models and config
  MODEL_NOT_FOUND: 404,
  MODEL_LOAD_FAILED: 422,
  MODEL_LAYER_NOT_FOUND: 422,
  MODEL_WEIGHTS_MISMATCH: 422,
  CONFIG_INVALID: 500,
  // everything else
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
} as const satisfies Record<string, number>;

/** A stable, machine-readable error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The one error type of the product: an HTTP status, a stable code and a message safe to show. */
export class AppError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  /** Optional structured detail safe to show (e.g. per-row import errors). */
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, options?: { status?: number; details?: unknown; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = options?.status ?? ERROR_CODES[code];
    if (options?.details !== undefined) this.details = options.details;
  }

  /** The JSON body answered to clients: never a stack or an internal message. */
  toJSON(): ErrorBody {
    return this.details === undefined
      ? { error: { code: this.code, message: this.message } }
      : { error: { code: this.code, message: this.message, details: this.details } };
  }
}

/** The shape of every error response body. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/** True when `value` is an AppError (also across module copies, by shape). */
export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
