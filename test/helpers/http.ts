// A throwaway HTTP server on a random loopback port, for answers the sandbox does not give.
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Runs `fn` with the server's base URL, then closes the server and any connection still open. */
export async function withHttpServer<T>(handler: RequestListener, fn: (baseUrl: string) => Promise<T>): Promise<T> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await fn(`http://127.0.0.1:${port}`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** An answer a route gives: JSON `body` or raw `text`, status 200 unless told, with any extra headers. */
export type RouteReply = { status?: number; body?: unknown; text?: string; headers?: Record<string, string> };
/** Answers by path (the URL's pathname), given the request's URL; a path with no route is a 404 in JSON. */
export type Routes = Record<string, (url: URL) => RouteReply>;

/** A provider that answers JSON by path, each answer sent once the request's body is read, dated now. */
export function answerRoutes(routes: Routes): RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = routes[url.pathname];
    const reply = route ? route(url) : { status: 404, body: { error: { message: 'not found' } } };
    req.resume();
    req.on('end', () => {
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', date: new Date().toUTCString(), ...reply.headers });
      res.end(reply.text ?? JSON.stringify(reply.body));
    });
  };
}
