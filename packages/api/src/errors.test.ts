import { describe, expect, it } from 'vitest';
import { AppError, ERROR_CODES } from './errors.ts';

describe('AppError', () => {
  it('takes its status from the code table unless told otherwise', () => {
    expect(new AppError('LABEL_NOT_FOUND', 'no such label').status).toBe(404);
    expect(new AppError('BAD_REQUEST', 'x', { status: 422 }).status).toBe(422);
  });

  it('serialises to the public body without stack or cause', () => {
    const err = new AppError('INVALID_IMAGE', 'not an image', { cause: new Error('libjpeg: bad huffman') });
    const body = JSON.stringify(err);
    expect(JSON.parse(body)).toEqual({ error: { code: 'INVALID_IMAGE', message: 'not an image' } });
    expect(body).not.toContain('huffman');
  });

  it('maps every code to an HTTP error status', () => {
    for (const status of Object.values(ERROR_CODES)) {
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
    }
  });
});
