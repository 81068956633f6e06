import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../../../../e2e/lib/server.ts';
import { writeTinyModel } from '../../../server/test/tiny-model.ts';

describe('smartmirror serve: graceful shutdown', () => {
  const root = mkdtempSync(join(tmpdir(), 'smartmirror-serve-'));
  const model = writeTinyModel(join(root, 'tiny'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('on SIGTERM finishes the request in flight, then closes the store and exits 0', async () => {
    const server = await startServer({ dataDir: join(root, 'data'), model });
    const embedding = Buffer.from(Float32Array.from([0.6, 0.8, 0]).buffer).toString('base64');
    const body = JSON.stringify({ embedding, modelId: (await (await fetch(`${server.url}/api/health`)).json() as { modelId: string }).modelId });
    const url = new URL(`${server.url}/api/labels/in-flight/examples`);
    // Send the headers and half the body, signal the server, then send the rest.
    const answer = new Promise<{ status: number; body: string }>((done, fail) => {
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { authorization: `Bearer ${server.kioskToken}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => done({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', fail);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        server.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 300);
      }, 300);
    });
    const r = await answer;
    expect(r.status, r.body).toBe(201);
    const exitCode = await new Promise<number | null>((done) => (server.child.exitCode !== null ? done(server.child.exitCode) : server.child.once('exit', (code) => done(code))));
    expect(exitCode).toBe(0);
    expect(server.output()).toContain('SIGTERM');
    // New connections are refused once it stopped; the example answered 201 is in the store.
    await expect(fetch(`${server.url}/api/health`)).rejects.toThrow();
    const again = await startServer({ dataDir: join(root, 'data'), model });
    try {
      const labels = (await (await fetch(`${again.url}/api/labels`)).json()) as { labels: { label: string; examples: number }[] };
      expect(labels.labels).toEqual([expect.objectContaining({ label: 'in-flight', examples: 1 })]);
    } finally {
      await again.stop();
    }
  });
});
