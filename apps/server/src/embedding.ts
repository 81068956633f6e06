import { AppError, type EmbeddingInput } from '@smartmirror/api';

/** Encodes a vector as base64 of little-endian float32 (the wire format of embeddings). */
export function encodeEmbedding(v: Float32Array): string {
  const buf = Buffer.alloc(v.length * 4);
  for (let i = 0; i < v.length; i++) buf.writeFloatLE(v[i] ?? 0, i * 4);
  return buf.toString('base64');
}

/**
 * Parses an embedding from a client (number[] or base64 float32), checks its length against
 * `dim` and that every value is finite, and returns it L2-normalised: clients may send raw
 * pooled activations, and cosine similarity on unit vectors is a plain dot product.
 */
export function parseEmbedding(input: EmbeddingInput, dim: number): Float32Array {
  let v: Float32Array;
  if (typeof input === 'string') {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(input)) throw new AppError('INVALID_EMBEDDING', 'The embedding is neither a number array nor base64.');
    const bytes = Buffer.from(input, 'base64');
    if (bytes.length % 4 !== 0) throw new AppError('INVALID_EMBEDDING', 'The base64 embedding is not a whole number of float32 values.');
    v = new Float32Array(bytes.length / 4);
    for (let i = 0; i < v.length; i++) v[i] = bytes.readFloatLE(i * 4);
  } else {
    v = Float32Array.from(input);
  }
  if (v.length !== dim) throw new AppError('INVALID_EMBEDDING', `The embedding has ${v.length} values; the active model makes ${dim}.`);
  let sq = 0;
  for (const x of v) {
    if (!Number.isFinite(x)) throw new AppError('INVALID_EMBEDDING', 'The embedding contains NaN or infinite values.');
    sq += x * x;
  }
  const norm = Math.sqrt(sq);
  if (!(norm > 1e-12) || !Number.isFinite(norm)) throw new AppError('INVALID_EMBEDDING', 'The embedding is all zeros or too large.');
  for (let i = 0; i < v.length; i++) v[i] = (v[i] ?? 0) / norm;
  return v;
}
