// The proxy route for an origin follows undici's EnvHttpProxyAgent rules for HTTP(S)_PROXY and NO_PROXY.
import { describe, expect, it } from 'vitest';
import { proxyRoute } from '../../src/core/proxy.js';

const via = (target: string, env: Record<string, string>) => {
  const route = proxyRoute(new URL(target), env);
  return route.proxy ? `${route.proxy.host} (${route.variable})` : `direct${route.bypass ? ` (${route.bypass.entry})` : ''}`;
};

describe('proxyRoute', () => {
  it('goes direct when no proxy variable is set', () => {
    expect(via('https://api.example.com', {})).toBe('direct');
  });

  it('uses HTTPS_PROXY for https and HTTP_PROXY for http, https falling back to the http proxy', () => {
    const env = { HTTPS_PROXY: 'http://s:1', HTTP_PROXY: 'http://p:2' };
    expect(via('https://api.example.com', env)).toBe('s:1 (HTTPS_PROXY)');
    expect(via('http://127.0.0.1:4010', env)).toBe('p:2 (HTTP_PROXY)');
    expect(via('https://api.example.com', { HTTP_PROXY: 'http://p:2' })).toBe('p:2 (HTTP_PROXY)');
    expect(via('http://127.0.0.1:4010', { HTTPS_PROXY: 'http://s:1' })).toBe('direct');
  });

  it('reads the lowercase form first, even when it is set but empty', () => {
    expect(via('https://a.example.com', { https_proxy: 'http://low:1', HTTPS_PROXY: 'http://up:2' })).toBe('low:1 (https_proxy)');
    expect(via('http://a.example.com', { http_proxy: '', HTTP_PROXY: 'http://up:2' })).toBe('direct');
  });

  it('skips hosts NO_PROXY names: exact, domain suffix, with a port, or * for all', () => {
    const env = (noProxy: string) => ({ HTTPS_PROXY: 'http://s:1', NO_PROXY: noProxy });
    expect(via('https://api.example.com', env('example.com'))).toBe('direct (example.com)');
    expect(via('https://api.example.com', env('.example.com'))).toBe('direct (.example.com)');
    expect(via('https://api.example.com', env('*.example.com'))).toBe('direct (*.example.com)');
    expect(via('https://notexample.com', env('example.com'))).toBe('s:1 (HTTPS_PROXY)');
    expect(via('https://api.example.com', env('api.example.com:8443'))).toBe('s:1 (HTTPS_PROXY)');
    expect(via('https://api.example.com:8443', env('api.example.com:8443'))).toBe('direct (api.example.com:8443)');
    expect(via('https://api.example.com', env('*'))).toBe('direct (*)');
    expect(via('https://api.example.com', { ...env('x.org'), no_proxy: 'example.com' })).toBe('direct (example.com)');
  });

  it('proxies loopback like any host unless NO_PROXY names it', () => {
    expect(via('http://127.0.0.1:4010', { HTTP_PROXY: 'http://p:2' })).toBe('p:2 (HTTP_PROXY)');
    expect(via('http://localhost:4010', { HTTP_PROXY: 'http://p:2', NO_PROXY: 'localhost' })).toBe('direct (localhost)');
  });

  it('reads a proxy without a scheme as http, and refuses one that is not a URL', () => {
    expect(proxyRoute(new URL('https://a.example.com'), { HTTPS_PROXY: 'proxy.corp:3128' }).proxy?.href).toBe('http://proxy.corp:3128/');
    expect(() => proxyRoute(new URL('https://a.example.com'), { HTTPS_PROXY: 'ftp://proxy.corp' })).toThrow(
      'HTTPS_PROXY "ftp://proxy.corp" is not a proxy URL',
    );
    expect(() => proxyRoute(new URL('https://a.example.com'), { HTTPS_PROXY: 'http://user:pw@exa mple' })).toThrow(
      'HTTPS_PROXY "http://…@exa mple" is not a proxy URL',
    );
  });
});
