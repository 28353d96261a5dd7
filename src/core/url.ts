// Base URL parsing and the plain-http guard: a key never travels over http:// to a non-loopback host.
import { UsageError } from './errors.js';

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Parses a base URL: an http(s) origin with an optional path prefix, no query, no credentials. */
export function parseBaseUrl(text: string, source: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(
      `${source} "${text}" is not a URL`,
      'give an origin with an optional path, such as https://llm.bytespike.ai or http://127.0.0.1:4010/conduit',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`${source} "${text}" must start with https:// (or http:// on loopback)`);
  }
  if (url.username || url.password) {
    throw new UsageError(`${source} must not carry credentials`, 'give the key with --key-stdin, --key-env or TALLY_API_KEY');
  }
  if (url.search || url.hash) {
    throw new UsageError(`${source} "${text}" must not have a query or fragment`);
  }
  assertSafeTransport(url, source);
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}

/** Refuses plain http to anything but loopback, before a byte is sent. */
export function assertSafeTransport(url: URL, source = 'the base URL'): void {
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new UsageError(
      `refusing to send credentials over plain http to ${url.host} (${source})`,
      `use https://${url.host}${url.pathname === '/' ? '' : url.pathname}; plain http is allowed on loopback only`,
    );
  }
}

/** Joins a base URL (origin + optional prefix) and a documented path with its query. */
export function joinUrl(base: URL, path: string, query?: Record<string, string | number | undefined>): URL {
  const url = new URL(base.href);
  url.pathname = `${base.pathname.replace(/\/+$/, '')}${path}`;
  if (query) {
    for (const [k, v] of Object.entries(query)) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
  }
  return url;
}
