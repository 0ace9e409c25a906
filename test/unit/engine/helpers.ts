/** Test helpers for the engine: loopback stub servers and token fixtures. */
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';

export const FIXTURE_BIN = path.resolve(__dirname, '../../fixtures/bin');

const tempDirs: string[] = [];
/** A scratch folder removed after the run (tests leave nothing in the system temp folder). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `azauth-test-${prefix}`));
  tempDirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export interface Stub {
  url: string;
  server: http.Server;
  requests: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[];
  close(): Promise<void>;
}

export type StubHandler = (req: http.IncomingMessage, res: http.ServerResponse, body: string, n: number) => void;

export function stub(handler: StubHandler): Promise<Stub> {
  return new Promise((resolve) => {
    const requests: Stub['requests'] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        handler(req, res, body, requests.length);
      });
    });
    server.listen(0, '127.0.0.1', () => {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve({
        url,
        server,
        requests,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}

/** An unsigned JWT with the given claims (the engine only decodes; nothing verifies it). */
export function fakeJwt(claims: Record<string, unknown>): string {
  const b = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b({ alg: 'RS256', typ: 'JWT', kid: 'k' })}.${b({ exp: 4070908800, ...claims })}.c2lnbmF0dXJlLXRoYXQtaXMtbG9uZy1lbm91Z2g`;
}

export function json(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

export function miTokenBody(token: string, extra: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    access_token: token,
    expires_in: '86399',
    expires_on: String(now + 86399),
    resource: 'https://management.azure.com/',
    token_type: 'Bearer',
    ...extra,
  };
}
