// The loopback server: every provider under its id as a path prefix, deterministic accounts, injected faults.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  BadParam,
  type SandboxAccount,
  type SandboxOptions,
  type SandboxProvider,
  type SandboxRequest,
  type SandboxResponse,
} from './common.js';
import { type Fault, FaultInjector } from './faults.js';
import { createAccountApi } from './providers/account-api.js';
import { createBytespike } from './providers/bytespike.js';
import { createConduit } from './providers/conduit.js';
import { createConflux } from './providers/conflux.js';
import { createIndigenius } from './providers/indigenius.js';

export interface SandboxConfig {
  port?: number;
  host?: string;
  seed?: number;
  entries?: number;
  /** When the newest entries were made; now when not given. The same seed and end give the same data. */
  end?: Date;
  faults?: string;
}

export interface SandboxProviderInfo {
  id: string;
  baseUrl: string;
  accounts: Array<Pick<SandboxAccount, 'name' | 'key' | 'purpose'>>;
}

export interface Sandbox {
  url: string;
  port: number;
  /** When the newest entries were made. */
  end: Date;
  providers: SandboxProviderInfo[];
  faults: FaultInjector;
  /** Requests answered per provider id, faults included. */
  requests: Map<string, number>;
  /** Requests per provider and path ("conduit /api/billing/ledger"), faults included. */
  requestsByPath: Map<string, number>;
  /** The key of an account: key('conduit', 'ok'). */
  key(provider: string, account: string): string;
  baseUrl(provider: string): string;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;

export async function startSandbox(config: SandboxConfig = {}): Promise<Sandbox> {
  const options: SandboxOptions = { seed: config.seed ?? 1, entries: config.entries ?? 250, endMs: (config.end ?? new Date()).getTime() };
  const providers: SandboxProvider[] = [
    createConduit(options),
    createAccountApi(options),
    createBytespike(options),
    createConflux(options),
    createIndigenius(options),
  ];
  const byId = new Map(providers.map((p) => [p.id, p]));
  const faults = new FaultInjector(config.faults, options.seed);
  const requests = new Map<string, number>();
  const requestsByPath = new Map<string, number>();
  const sockets = new Set<Socket>();

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, { status: 500, body: { error: String(error) } });
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const [, prefix = '', ...rest] = url.pathname.split('/');
    const provider = byId.get(prefix);
    if (!provider) {
      send(res, { status: 404, body: { error: `no provider "${prefix}"; try one of ${[...byId.keys()].join(', ')}` } });
      return;
    }
    requests.set(provider.id, (requests.get(provider.id) ?? 0) + 1);
    const pathKey = `${provider.id} /${rest.join('/')}`;
    requestsByPath.set(pathKey, (requestsByPath.get(pathKey) ?? 0) + 1);
    const body = await readBody(req);
    const request: SandboxRequest = {
      method: req.method ?? 'GET',
      path: `/${rest.join('/')}`,
      query: url.searchParams,
      headers: req.headers,
      body,
      pageCap: faults.pageCap,
    };
    const fault = faults.next();
    if (fault && (await applyFault(fault, provider, res))) return;
    const key = provider.keyOf(request);
    const account = key === undefined ? undefined : provider.accounts.find((a) => a.key === key);
    if (!account && !provider.isPublic?.(request)) {
      send(res, provider.error(401, key === undefined ? 'Missing API key' : 'Invalid API key', 'authentication_error'));
      return;
    }
    if (fault?.kind === 'shift' && account) provider.post(account);
    let response: SandboxResponse;
    try {
      response = provider.handle(request, account);
    } catch (error) {
      if (error instanceof BadParam) response = provider.error(400, error.message, 'invalid_request_error');
      else throw error;
    }
    send(res, response, fault?.kind === 'truncate');
  }

  /** Applies a fault; true when it answered the request itself. */
  async function applyFault(fault: Fault, provider: SandboxProvider, res: ServerResponse): Promise<boolean> {
    switch (fault.kind) {
      case '429':
        send(res, {
          ...provider.error(429, 'Rate limit exceeded', 'rate_limit_error'),
          headers: { 'retry-after': String(fault.arg ?? 1) },
        });
        return true;
      case '500':
      case '502':
      case '503':
      case '504': {
        const status = Number(fault.kind);
        const headers: Record<string, string> = fault.arg !== undefined ? { 'retry-after': String(fault.arg) } : {};
        send(res, { ...provider.error(status, 'Upstream error', 'api_error'), headers });
        return true;
      }
      case 'reset':
        res.socket?.destroy();
        return true;
      case 'nonjson':
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><body>502 Bad Gateway</body></html>');
        return true;
      case 'badshape':
        send(res, { status: 200, body: { unexpected: true, items: 'not-a-list' } });
        return true;
      case 'slow':
        await new Promise((r) => setTimeout(r, fault.arg ?? 2000));
        return false;
      default:
        // truncate is applied when the body is sent, shift once the account is known
        return false;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port ?? 0, config.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  return {
    url,
    port: address.port,
    end: new Date(options.endMs),
    faults,
    requests,
    requestsByPath,
    providers: providers.map((p) => ({
      id: p.id,
      baseUrl: `${url}/${p.id}`,
      accounts: p.accounts.map(({ name, key, purpose }) => ({ name, key, purpose })),
    })),
    key(providerId, accountName) {
      const account = byId.get(providerId)?.accounts.find((a) => a.name === accountName);
      if (!account) throw new Error(`sandbox has no ${providerId}/${accountName} account`);
      return account.key;
    },
    baseUrl: (providerId) => `${url}/${providerId}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    if (req.method === 'GET' || req.method === 'HEAD') {
      req.resume();
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text ? JSON.parse(text) : undefined);
      } catch {
        resolve(text);
      }
    });
  });
}

function send(res: ServerResponse, response: SandboxResponse, truncate = false): void {
  const payload = Buffer.from(JSON.stringify(response.body));
  res.writeHead(response.status, {
    'content-type': 'application/json',
    'content-length': String(payload.length),
    ...response.headers,
  });
  if (truncate) {
    // promise the whole body, send half, hang up: a body cut off mid-stream
    res.write(payload.subarray(0, Math.floor(payload.length / 2)), () => res.socket?.destroy());
    return;
  }
  res.end(payload);
}
