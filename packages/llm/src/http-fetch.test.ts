import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keepAliveFetch } from './http-fetch';

let server: Server;
let base: string;
const connections: unknown[] = [];

beforeEach(async () => {
  connections.length = 0;
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      if (req.url === '/slow') return; // never answers: the client must abort
      res.writeHead(req.url === '/missing' ? 404 : 200, {
        'content-type': 'application/json',
        'x-echo': 'yes',
      });
      res.end(JSON.stringify({ method: req.method, body, auth: req.headers.authorization }));
    });
  });
  server.on('connection', (s) => connections.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('keepAliveFetch', () => {
  it('sends method, headers and body, returns status, headers and body, and reuses one connection', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await keepAliveFetch(`${base}/echo`, {
        method: 'POST',
        headers: new Headers({ authorization: 'Bearer k', 'content-type': 'application/json' }),
        body: `{"i":${i}}`,
      });
      expect(r.status).toBe(200);
      expect(r.ok).toBe(true);
      expect(r.headers.get('x-echo')).toBe('yes');
      expect(await r.json()).toEqual({ method: 'POST', body: `{"i":${i}}`, auth: 'Bearer k' });
    }
    expect(connections).toHaveLength(1);
  });

  it('reports a non-2xx status with its body', async () => {
    const r = await keepAliveFetch(`${base}/missing`, { method: 'GET' });
    expect(r.ok).toBe(false);
    expect(r.status).toBe(404);
    expect(await r.text()).toContain('"method":"GET"');
  });

  it('rejects with an AbortError when the signal aborts, before or during the request', async () => {
    const before = new AbortController();
    before.abort();
    await expect(keepAliveFetch(`${base}/echo`, { signal: before.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    const during = new AbortController();
    const pending = keepAliveFetch(`${base}/slow`, { method: 'POST', body: 'x', signal: during.signal });
    setTimeout(() => during.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects a connection failure', async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await expect(keepAliveFetch(`${base}/echo`)).rejects.toThrow(/ECONNREFUSED/);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r)); // for afterEach
  });
});
