// Which proxy a request to a URL goes through: HTTP(S)_PROXY and NO_PROXY, by undici's EnvHttpProxyAgent rules.
import type { Env } from './config.js';
import { UsageError } from './errors.js';

/** How a request to one origin travels: through a proxy, or direct (and why, when a proxy was set). */
export type ProxyRoute =
  | { proxy: URL; variable: string }
  | { proxy: null; /** the NO_PROXY entry that sent it direct */ bypass?: { variable: string; entry: string } };

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };
const PROXY_PROTOCOLS = new Set(['http:', 'https:', 'socks5:', 'socks:']);

/** The first of the lowercase and uppercase forms that is set (set but empty counts, as undici has it). */
function pick(env: Env, lower: string): { variable: string; value: string } | undefined {
  for (const variable of [lower, lower.toUpperCase()]) {
    const value = env[variable];
    if (value !== undefined) return { variable, value };
  }
  return undefined;
}

/** A proxy variable's URL; scheme-less values (`proxy:3128`) are http, as curl reads them. */
function proxyUrl(variable: string, value: string): URL {
  // credentials in the value are never echoed
  const shown = value.replace(/\/\/[^/@]*@/, '//…@');
  const failure = new UsageError(`${variable} "${shown}" is not a proxy URL`, `such as ${variable}=http://proxy.example.com:3128`);
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    throw failure;
  }
  if (!PROXY_PROTOCOLS.has(url.protocol) || !url.hostname) throw failure;
  try {
    // undici decodes the credentials when it connects: a bad %-escape there would surface as an internal error
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
  } catch {
    throw failure;
  }
  return url;
}

/**
 * The route to `target`, decided the way undici's EnvHttpProxyAgent decides it (lowercase forms first;
 * https falls back to the http proxy; NO_PROXY entries by host or domain suffix, optionally with a port,
 * `*` alone for none; loopback proxied like any host unless named). Decided here, once per origin, so that
 * the route taken, the --verbose line and the plain-http guard can never disagree.
 */
export function proxyRoute(target: URL, env: Env): ProxyRoute {
  const http = pick(env, 'http_proxy');
  const https = pick(env, 'https_proxy');
  const chosen = target.protocol === 'https:' && https?.value ? https : http;
  if (!chosen?.value) return { proxy: null };
  const noProxy = pick(env, 'no_proxy');
  const hostname = target.host.replace(/:\d*$/, '').toLowerCase();
  const port = Number.parseInt(target.port, 10) || DEFAULT_PORTS[target.protocol] || 0;
  const value = noProxy?.value ?? '';
  if (noProxy && value === '*') return { proxy: null, bypass: { variable: noProxy.variable, entry: '*' } };
  for (const entry of value.split(/[,\s]/)) {
    if (!entry || !noProxy) continue;
    const parsed = /^(.+):(\d+)$/.exec(entry);
    const host = (parsed ? (parsed[1] as string) : entry).replace(/^\*?\./, '').toLowerCase();
    const entryPort = parsed ? Number.parseInt(parsed[2] as string, 10) : 0;
    if (entryPort && entryPort !== port) continue;
    if (hostname === host || hostname.endsWith(`.${host}`)) return { proxy: null, bypass: { variable: noProxy.variable, entry } };
  }
  return { proxy: proxyUrl(chosen.variable, chosen.value), variable: chosen.variable };
}

/** A proxy as it may be shown: scheme, host and port, never its credentials. */
export function showProxy(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}
