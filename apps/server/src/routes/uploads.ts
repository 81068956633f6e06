import type { FastifyRequest } from 'fastify';
import { AppError } from '@smartmirror/api';

/** Most images one multipart request may carry. */
export const MAX_FILES_PER_REQUEST = 32;

/**
 * Reads every file part of a multipart request into memory (each bounded by the multipart
 * fileSize limit, which answers 413). Fields are ignored. Refuses a request without files.
 */
export async function readFileParts(req: FastifyRequest): Promise<Uint8Array[]> {
  const files: Uint8Array[] = [];
  for await (const part of req.parts()) {
    if (part.type !== 'file') continue;
    files.push(new Uint8Array(await part.toBuffer()));
  }
  if (files.length === 0) throw new AppError('BAD_REQUEST', 'The multipart request has no image file.');
  return files;
}
