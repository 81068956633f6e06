import type { FastifyRequest } from 'fastify';
import { AppError } from '@smartmirror/api';

/** Most images one multipart request may carry. */
export const MAX_FILES_PER_REQUEST = 32;

/** Largest total of the files of one multipart request, as a multiple of the per-file limit. */
export const MAX_UPLOAD_TOTAL_FACTOR = 4;

/**
 * Reads every file part of a multipart request into memory, each bounded by the multipart
 * fileSize limit (413) and all together by `maxTotalBytes` (413), so one request cannot hold
 * 32 × 16 MB in memory. Fields are ignored. Refuses a request without files.
 */
export async function readFileParts(req: FastifyRequest, maxTotalBytes: number): Promise<Uint8Array[]> {
  const files: Uint8Array[] = [];
  let total = 0;
  for await (const part of req.parts()) {
    if (part.type !== 'file') continue;
    const bytes = new Uint8Array(await part.toBuffer());
    total += bytes.byteLength;
    if (total > maxTotalBytes) throw new AppError('PAYLOAD_TOO_LARGE', `The uploaded files exceed ${maxTotalBytes} bytes in total.`);
    files.push(bytes);
  }
  if (files.length === 0) throw new AppError('BAD_REQUEST', 'The multipart request has no image file.');
  return files;
}
