// The one HTTP path every provider goes through: auth header, timeout, keep-alive, retries, decompression, tracing.
import { createRequire } from 'node:module';
import type { Transform } from 'node:stream';
import type { Agent as UndiciAgent, Dispatcher, ProxyAgent as UndiciProxyAgent } from 'undici';
import type { RetryEvent } from './activity.js';
import type { Env } from './config.js';
import { AuthError, keepSecret, maskKey, ProviderError, redactKey, ShapeError, TallyError, UsageError } from './errors.js';
import { clipEcho } from './io.js';
import { type ProxyRoute, proxyRoute, showProxy } from './proxy.js';
import { assertSafeTransport, isLoopbackHost, joinUrl } from './url.js';
import { decodeUtf8 } from './utf8.js';

/** The piece of undici tally uses: its connection-pooling Agent, driven through `dispatch`. */
interface UndiciCore {
  /** Where it came from: its own module, or undici's index if that moved. */
  via: 'modules' | 'index';
  Agent: typeof UndiciAgent;
}

let undiciCore: UndiciCore | undefined;

/**
 * undici's Agent, loaded from its own module: undici's index also loads fetch, WebSocket, caches, mocks
 * and Node's bundled copy of undici, ~100 ms at every start of a command that goes online. If a future
 * undici moves the file, the index is used instead.
 */
export async function loadUndici(): Promise<UndiciCore> {
  if (undiciCore) return undiciCore;
  try {
    const require = createRequire(import.meta.url);
    const Agent = require('undici/lib/dispatcher/agent.js') as typeof UndiciAgent;
    if (typeof Agent !== 'function') throw new TypeError('unexpected undici layout');
    undiciCore = { via: 'modules', Agent };
  } catch {
    const undici = await import('undici');
    undiciCore = { via: 'index', Agent: undici.Agent };
  }
  return undiciCore;
}

/**
 * undici's ProxyAgent, only when a proxy variable applies to the request. From undici's index: the tunnel
 * uses `Dispatcher.connect`, which only the index attaches; a proxied command pays its ~100 ms, no other.
 */
async function loadProxyAgent(): Promise<typeof UndiciProxyAgent> {
  return (await import('undici')).ProxyAgent;
}

/** The default cap on a response body (--response-limit): far above any page, far below what would exhaust memory. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** A body past the cap, found from its Content-Length (`announced`) or while it streamed in (`decoded`: decompressed). */
class ResponseTooLarge extends Error {
  constructor(
    readonly announced?: number,
    readonly decoded = false,
  ) {
    super('response too large');
  }
}

/** A Content-Encoding tally cannot undo, found from the headers: the body is not read. */
class UnreadableEncoding extends Error {
  constructor(readonly coding: string) {
    super(`unreadable encoding ${coding}`);
  }
}

/** A body that does not decompress as its Content-Encoding says (damaged, cut short, or another coding). */
class UndecodableBody extends Error {
  constructor(
    readonly coding: string,
    readonly reason: string,
  ) {
    super(`${coding} body does not decompress: ${reason}`);
  }
}

type Zlib = typeof import('node:zlib');
let zlibModule: Zlib | undefined;

/** node:zlib, loaded the first time a body comes compressed: a command that never gets one does not pay for it. */
function zlib(): Zlib {
  zlibModule ??= process.getBuiltinModule('node:zlib');
  return zlibModule;
}

/** zstd arrived in Node 22.15 / 23.8; on an older Node a zstd body is an encoding tally cannot read. */
type ZstdZlib = Zlib & { createZstdDecompress?: () => Transform };

let InflateEither: (new () => Transform) | undefined;

/**
 * deflate as RFC 9110 has it (a zlib stream) or raw, as some servers send it: told apart by the first byte,
 * whose low four bits are 8 (the compression method) in a zlib header and never in a raw deflate block.
 */
function inflateEither(): Transform {
  InflateEither ??= class extends process.getBuiltinModule('node:stream').Transform {
    private inflate: Transform | undefined;

    override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
      if (!this.inflate) {
        if (chunk.length === 0) return done();
        const inflate = ((chunk[0] ?? 0) & 0x0f) === 0x08 ? zlib().createInflate() : zlib().createInflateRaw();
        // what reads this stream sets the pace: the inflater waits while its output is not taken
        inflate.on('data', (out: Buffer) => {
          if (!this.push(out)) inflate.pause();
        });
        inflate.on('end', () => this.push(null));
        inflate.on('error', (error) => this.destroy(error));
        this.inflate = inflate;
      }
      this.inflate.write(chunk, done);
    }

    override _read(size: number): void {
      super._read(size);
      this.inflate?.resume();
    }

    override _final(done: (error?: Error | null) => void): void {
      this.inflate?.end();
      done();
    }

    override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
      this.inflate?.destroy();
      done(error);
    }
  };
  return new InflateEither();
}

/** The decoder of one Content-Encoding coding, by its name (lower case); undefined for one tally cannot undo. */
function decoderOf(coding: string): (() => Transform) | undefined {
  if (coding === 'gzip' || coding === 'x-gzip') return () => zlib().createGunzip();
  if (coding === 'deflate') return inflateEither;
  if (coding === 'br') return () => zlib().createBrotliDecompress();
  if (coding === 'zstd') {
    const z = zlib() as ZstdZlib;
    return z.createZstdDecompress ? () => (z.createZstdDecompress as () => Transform)() : undefined;
  }
  return undefined;
}

/** What `decoderOf` undoes, for a message: "gzip, deflate, br and zstd". */
function readableCodings(): string {
  return typeof (zlib() as ZstdZlib).createZstdDecompress === 'function' ? 'gzip, deflate, br and zstd' : 'gzip, deflate and br';
}

/** More codings than this on one body is no provider's doing: each would hold a decompressor's memory. */
const MAX_CODINGS = 4;

/**
 * The codings of a Content-Encoding header in the order they are to be undone (the last applied first), without
 * `identity`. Throws UnreadableEncoding naming the first one tally cannot undo.
 */
function codingsOf(header: string | string[] | undefined): string[] {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  const codings = value
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  if (codings.length > MAX_CODINGS) throw new UnreadableEncoding(codings.join(', '));
  for (const coding of codings) if (!decoderOf(coding)) throw new UnreadableEncoding(coding);
  return codings.reverse();
}

/** A body being decompressed as it arrives: the decoders of its codings piped in turn, the last one's bytes collected. */
interface BodyDecoder {
  /** The first decoder, which takes the bytes as they came off the wire. */
  input: Transform;
  all: Transform[];
  /** Whether any byte was written: an empty body is empty, whatever its Content-Encoding says. */
  written: boolean;
}

/** A body that came but cannot be read: past the cap, in an encoding tally cannot undo, or not decompressing. */
type BodyFailure = ResponseTooLarge | UnreadableEncoding | UndecodableBody;

/** What one request brought back: all of the body, as bytes. */
interface RawResponse {
  status: number;
  retryAfter: string | undefined;
  /** The provider's clock (its Date header) and ours when the headers came. */
  date: string | undefined;
  headersAt: number;
  body: Buffer;
  /**
   * Why the body (then empty) could not be read, where it could not: the status still stands, so a 401 is a
   * refused key and a 503 may pass, whatever its body; a 2xx with such a body fails (http.ts bodyFailure).
   */
  unreadable?: BodyFailure;
}

/**
 * One request through `Dispatcher.dispatch`, its body collected as it arrives, the whole of it within
 * `timeoutMs` (connecting, headers and body alike). undici's `request` API wraps every response in a
 * Readable stream, an AsyncResource and an abort listener, and a caller needs an AbortSignal for the
 * timeout: ~0.2 ms of CPU a request that an export of a thousand pages spends for nothing. A compressed body
 * (Content-Encoding) is decompressed as it arrives, and the cap applies to what it decompresses to: a small
 * body that expands without end is stopped at the cap, the network paused while the decoder catches up.
 */
class CollectBody implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private status = 0;
  private retryAfter: string | undefined;
  private date: string | undefined;
  private headersAt = 0;
  private chunks: Buffer[] = [];
  private size = 0;
  private decoder: BodyDecoder | undefined;
  private settled = false;
  /** Why the request failed, once it has: given again to a request undici starts after that. */
  private failure: Error | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly resolve: (res: RawResponse) => void,
    private readonly reject: (error: Error) => void,
    timeoutMs: number,
    /** Bytes of body (decompressed) past which the request is aborted: memory stays within the cap whatever is sent. */
    private readonly maxBytes: number,
  ) {
    this.timer = setTimeout(() => this.fail(new DOMException('request timed out', 'TimeoutError')), timeoutMs);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    // called again if undici sends the request anew on another connection: start over
    this.controller = controller;
    this.chunks = [];
    this.size = 0;
    this.dropDecoder();
    if (this.failure) controller.abort(this.failure);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.status = statusCode;
    const ra = headers['retry-after'];
    this.retryAfter = Array.isArray(ra) ? ra[0] : ra;
    const date = headers.date;
    this.date = Array.isArray(date) ? date[0] : date;
    this.headersAt = Date.now();
    const encoding = headers['content-encoding'];
    if (encoding !== undefined) {
      try {
        const codings = codingsOf(encoding);
        if (codings.length > 0) this.decoder = this.decoding(codings);
      } catch (error) {
        if (error instanceof UnreadableEncoding) return this.unreadable(error);
        return this.fail(error as Error);
      }
    }
    // a compressed body's length says nothing of what it decompresses to, which the cap is for
    const length = Number(headers['content-length']);
    if (!this.decoder && length > this.maxBytes) this.unreadable(new ResponseTooLarge(length));
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    const { decoder } = this;
    if (decoder) {
      decoder.written = true;
      if (!decoder.input.write(chunk)) {
        // the decoder is behind: the network waits for it, so compressed bytes never pile up either
        controller.pause();
        decoder.input.once('drain', () => {
          if (!this.settled) controller.resume();
        });
      }
      return;
    }
    this.take(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    const { decoder } = this;
    // the decoders' last bytes come after the wire's: the body is done when the last decoder ends
    if (decoder?.written) decoder.input.end();
    else this.finish();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  /** The decoders of `codings` (in the order they are undone), piped one into the next, the last one collected. */
  private decoding(codings: string[]): BodyDecoder {
    const all = codings.map((coding) => {
      const stream = (decoderOf(coding) as () => Transform)();
      stream.on('error', (error) => this.unreadable(new UndecodableBody(coding, error.message)));
      return stream;
    });
    for (let i = 1; i < all.length; i++) (all[i - 1] as Transform).pipe(all[i] as Transform);
    const last = all[all.length - 1] as Transform;
    last.on('data', (chunk: Buffer) => {
      if (!this.settled) this.take(chunk, true);
    });
    last.on('end', () => this.finish());
    return { input: all[0] as Transform, all, written: false };
  }

  /** A chunk of the body (as decompressed, if it was compressed), within the cap. */
  private take(chunk: Buffer, decoded = false): void {
    if (this.size + chunk.length > this.maxBytes) return this.unreadable(new ResponseTooLarge(undefined, decoded));
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  private finish(): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.dropDecoder();
    const body = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.size);
    this.chunks = [];
    this.resolve({ status: this.status, retryAfter: this.retryAfter, date: this.date, headersAt: this.headersAt, body });
  }

  /**
   * The answer came but its body cannot be read: the connection is dropped (nothing more is read), and the
   * response is given with its status and no body, saying why.
   */
  private unreadable(why: BodyFailure): void {
    if (!this.stop(why)) return;
    const { status, retryAfter, date, headersAt } = this;
    this.resolve({ status, retryAfter, date, headersAt, body: Buffer.alloc(0), unreadable: why });
  }

  private dropDecoder(): void {
    for (const stream of this.decoder?.all ?? []) stream.destroy();
    this.decoder = undefined;
  }

  private fail(error: Error): void {
    if (this.stop(error)) this.reject(error);
  }

  /**
   * Settles the request once, for `why`: the timer stopped, what was collected and the decoders dropped, the
   * connection aborted. False when it was settled already.
   */
  private stop(why: Error): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.failure = why;
    clearTimeout(this.timer);
    this.chunks = [];
    this.dropDecoder();
    this.controller?.abort(why);
    return true;
  }
}

function send(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions, timeoutMs: number, maxBytes: number): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    dispatcher.dispatch(options, new CollectBody(resolve, reject, timeoutMs, maxBytes));
  });
}

export interface AuthHeader {
  /** Header name: "Authorization" or "X-API-Key". */
  name: string;
  /** Scheme prefix, e.g. "Bearer " (empty for X-API-Key). */
  scheme: string;
  key: string;
}

export interface HttpOptions {
  timeoutMs: number;
  retries: number;
  /** Largest response body accepted, in bytes (--response-limit); past it, exit 4. */
  maxResponseBytes?: number;
  /** Where HTTPS_PROXY, HTTP_PROXY and NO_PROXY are read from; none: no proxy. */
  proxyEnv?: Env;
  /** Told once, at the first answer, when the provider's Date header is more than a minute from our clock. */
  onClockSkew?: (providerAheadMs: number) => void;
  /** Longest Retry-After tally will wait; a longer one fails fast and says when to retry. */
  maxRetryAfterMs?: number;
  /** First backoff step; doubles each attempt, with jitter. */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  trace?: (line: string) => void;
  /** Told of each retry before its wait: progress shows it as it happens. */
  onRetry?: (event: RetryEvent) => void;
  /** Provider's name, used in messages. */
  providerName: string;
  /** Pulls the provider's own message out of an error body: of an error status, or a 2xx body that says it failed. */
  errorMessage?: (body: unknown) => string | undefined;
  /** Advice for a 403 from this provider. */
  forbiddenHint?: string;
  /** Advice for a 401: how to give this profile (or this provider) a new key, with its names filled in. */
  refusedKeyHint?: string;
  userAgent?: string;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

export type Query = Record<string, string | number | undefined>;

/** Masks the key a client sends wherever it occurs in provider text quoted in a message (errors.ts maskKey). */
export type KeyMask = (text: string) => string;

export interface JsonResponse {
  status: number;
  body: unknown;
  /** "GET /api/billing/ledger": the documented path, for messages. */
  endpoint: string;
  /** For a message that quotes this body: the key the request carried, masked. Applied before any cut. */
  mask: KeyMask;
}

/** A successful response whose body is parsed only when asked for (and then each time it is asked). */
export interface DeferredJsonResponse {
  status: number;
  endpoint: string;
  mask: KeyMask;
  /**
   * The parsed body (null when empty); a body that is not JSON, or that says the request failed, is exit 4
   * naming the endpoint.
   */
  body(): unknown;
}

/** A successful response as it came: its bytes not yet decoded. */
interface RawJsonResponse {
  status: number;
  endpoint: string;
  bytes: Buffer;
}

/**
 * Whether a successful (2xx) body says the request failed, in one of the shapes APIs use for that:
 * `{"error": {…}}` or `{"error": "text"}` (an `error` of null, false or "" is the absence of one), or a
 * status flag that is false (`{"status": false}`, indigenius's envelope; `{"success": false}`, `{"ok": false}`).
 */
export function saysItFailed(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const b = body as Record<string, unknown>;
  const { error } = b;
  if (error !== undefined && error !== null && error !== false && error !== '') return true;
  return b.status === false || b.success === false || b.ok === false;
}

/** A request that reads and changes nothing: the same again is harmless. (undici's own rule: GET and HEAD.) */
const isIdempotent = (method: string) => method === 'GET' || method === 'HEAD';

/** Statuses that say "try again later": a GET is sent again on them. */
const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/** How one attempt at a request ended, as far as sending it again is concerned. */
export type RequestOutcome =
  | { kind: 'status'; status: number }
  /** Nothing listened: the request never left. */
  | { kind: 'refused' }
  /** The host's name did not resolve, so nothing was sent; `temporary` (EAI_AGAIN) may pass, a name that does not exist does not. */
  | { kind: 'dns'; temporary: boolean }
  /** The connection dropped: the request may have reached the provider. */
  | { kind: 'reset' }
  | { kind: 'timeout' };

/**
 * Whether an attempt that ended so is sent again: the one rule. A GET (reading, idempotent) is sent again on
 * whatever may pass. Any other method only when it provably never left this machine (refused, a name that did
 * not resolve): once it may have reached the provider (an answer of any status, a dropped connection, a
 * timeout) it is not repeated, whatever the answer said — a second `POST /v1/billing/checkout` is a second
 * checkout, and a 429 or 503 from a gateway in front of the provider does not prove the provider did nothing.
 * A timeout is not repeated at all: the whole --timeout again, --retries times, is no answer to a slow provider.
 */
export function isRetryable(method: string, outcome: RequestOutcome): boolean {
  const idempotent = isIdempotent(method);
  switch (outcome.kind) {
    case 'refused':
      return true;
    case 'dns':
      return outcome.temporary;
    case 'timeout':
      return false;
    case 'reset':
      return idempotent;
    case 'status':
      return idempotent && RETRY_STATUS.has(outcome.status);
  }
}

/** The advice when a request that may have reached the provider failed and was not sent again. */
const NOT_REPEATED = 'tally did not send it again, since the provider may have acted on it: check before you try again';

const RESET_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
]);
const YEAR_MS = 365 * 86_400_000;
const MIB = 1024 * 1024;
const CLOCK_SKEW_MS = 60_000;
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);
/** A name that does not resolve: ENOTFOUND for good, EAI_AGAIN (the resolver failed) for now. */
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN']);

/** Parses Retry-After: delay-seconds or an HTTP date. Returns ms from now, or undefined. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number.parseInt(text, 10) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** Exponential backoff with "equal jitter": half fixed, half random, so a retry never comes at once. */
export function backoffDelay(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  const step = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.round(step / 2 + random() * (step / 2));
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function errorCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 4 && e; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 40 ? `${flat.slice(0, 40)}…` : flat;
}

/** A failed attempt that may be retried. */
class RetryableFailure extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    /** What went wrong, short, for progress: "503", "connection dropped". */
    readonly reason = message,
    /** What to say when no attempt is left, if not "failed after N attempts". */
    readonly final?: ProviderError,
  ) {
    super(message);
  }
}

export class HttpClient {
  private dispatcher: Dispatcher | undefined;
  private readonly opts: Required<
    Pick<HttpOptions, 'maxRetryAfterMs' | 'maxResponseBytes' | 'backoffBaseMs' | 'backoffCapMs' | 'sleep' | 'random' | 'now'>
  > &
    HttpOptions;
  /** Proxy or direct: one origin per client, so decided once. */
  private readonly route: ProxyRoute;
  private clockChecked = false;

  constructor(
    private readonly baseUrl: URL,
    private readonly auth: AuthHeader | null,
    options: HttpOptions,
  ) {
    assertSafeTransport(baseUrl);
    if (auth) keepSecret(auth.key);
    this.route = options.proxyEnv ? proxyRoute(baseUrl, options.proxyEnv) : { proxy: null };
    // a tunnel through a proxy elsewhere would carry the key in plain text to that host
    if (baseUrl.protocol === 'http:' && this.route.proxy && !isLoopbackHost(this.route.proxy.hostname)) {
      throw new UsageError(
        `refusing to send credentials over plain http to ${baseUrl.host} through the proxy ${this.route.proxy.host} (${this.route.variable})`,
        `add ${baseUrl.hostname} to NO_PROXY, or use an https:// base URL`,
      );
    }
    this.opts = {
      maxRetryAfterMs: 60_000,
      maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES,
      backoffBaseMs: 500,
      backoffCapMs: 8_000,
      sleep: defaultSleep,
      random: Math.random,
      now: Date.now,
      ...options,
    };
  }

  private async agent(): Promise<Dispatcher> {
    if (!this.dispatcher) {
      const options = {
        keepAliveTimeout: 10_000,
        connections: 16,
        connect: { timeout: this.opts.timeoutMs },
        headersTimeout: this.opts.timeoutMs,
        bodyTimeout: this.opts.timeoutMs,
      };
      const { route } = this;
      if (route.proxy) {
        const ProxyAgent = await loadProxyAgent();
        this.dispatcher = new ProxyAgent({ ...options, uri: route.proxy.href });
        this.trace(`> via proxy ${showProxy(route.proxy)} (${route.variable})`);
      } else {
        if (route.bypass) this.trace(`> not via a proxy: ${route.bypass.variable} names ${route.bypass.entry}`);
        const { Agent } = await loadUndici();
        this.dispatcher = new Agent(options);
      }
    }
    return this.dispatcher;
  }

  async close(): Promise<void> {
    const d = this.dispatcher;
    this.dispatcher = undefined;
    if (d) await d.destroy();
  }

  async getJson(path: string, query?: Query, init: { auth?: boolean } = {}): Promise<JsonResponse> {
    return this.parsed(await this.requestJson('GET', path, query, undefined, init.auth ?? true));
  }

  /**
   * A GET whose body is decoded and parsed only when `body()` is called. Pages fetched ahead of need
   * wait as bytes, which live outside V8's heap, instead of as thousands of parsed objects that every
   * young-generation collection would copy until their turn came: over a 1,000-page export, scavenges
   * took ~285 ms with pages parsed on arrival and ~177 ms with them parsed in turn.
   */
  async getJsonDeferred(path: string, query?: Query, init: { auth?: boolean } = {}): Promise<DeferredJsonResponse> {
    const raw = await this.requestJson('GET', path, query, undefined, init.auth ?? true);
    return { status: raw.status, endpoint: raw.endpoint, mask: this.mask, body: () => this.parseBody(raw) };
  }

  async postJson(path: string, body: unknown, init: { auth?: boolean } = {}): Promise<JsonResponse> {
    return this.parsed(await this.requestJson('POST', path, undefined, body, init.auth ?? true));
  }

  /** Provider text with the key this client sends masked in every form, whatever its length. */
  readonly mask: KeyMask = (text) => (this.auth ? maskKey(text, this.auth.key) : text);

  private parsed(raw: RawJsonResponse): JsonResponse {
    return { status: raw.status, body: this.parseBody(raw), endpoint: raw.endpoint, mask: this.mask };
  }

  /**
   * A successful body, parsed: null when empty; exit 4 naming the endpoint when it is not JSON, or when it
   * says the request failed (a 200 carrying an error: the provider's own message, not a complaint about a
   * field the error body lacks). On every endpoint of every provider: each body tally reads comes through here.
   */
  private parseBody(raw: RawJsonResponse): unknown {
    const text = decodeUtf8(raw.bytes);
    if (text.length === 0) return null;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ShapeError(raw.endpoint, 'the body', `is not JSON (starts "${snippet(this.mask(text))}")`);
    }
    if (saysItFailed(body)) {
      const said = this.providerSaid(body, raw.bytes.length);
      throw new ProviderError(
        `${this.opts.providerName}: ${raw.endpoint} answered ${raw.status} with an error${said || ' and no message'}`,
        'the provider reported a failure in a successful response; try again later, and report it to the provider if it persists',
      );
    }
    return body;
  }

  /**
   * ": <the provider's own message>" from an error body (parsed, or its text), key masked, cut short (an error
   * body can be megabytes; control characters are dropped where any message meets the terminal, in
   * formatError); "" when it has none.
   */
  private providerSaid(body: unknown, bytes: number): string {
    const message = this.opts.errorMessage?.(body) ?? genericMessage(body);
    return message ? `: ${clipEcho(this.mask(message), `the error body was ${bytes} bytes`)}` : '';
  }

  private headers(withAuth: boolean, hasBody: boolean): Record<string, string> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.opts.userAgent ?? 'tally',
    };
    if (hasBody) headers['content-type'] = 'application/json';
    if (withAuth && this.auth) headers[this.auth.name.toLowerCase()] = `${this.auth.scheme}${this.auth.key}`;
    return headers;
  }

  private trace(line: string): void {
    this.opts.trace?.(line);
  }

  private async requestJson(
    method: 'GET' | 'POST',
    path: string,
    query: Query | undefined,
    body: unknown,
    withAuth: boolean,
  ): Promise<RawJsonResponse> {
    const url = joinUrl(this.baseUrl, path, query);
    const endpoint = `${method} ${path}`;
    const headers = this.headers(withAuth, body !== undefined);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const attempts = this.opts.retries + 1;
    let lastFailure: RetryableFailure | undefined;
    for (let attempt = 0; attempt < attempts; attempt++) {
      try {
        return await this.attempt(method, url, endpoint, headers, payload, withAuth);
      } catch (error) {
        if (!(error instanceof RetryableFailure)) throw error;
        lastFailure = error;
        if (attempt + 1 >= attempts) break;
        let delay = backoffDelay(attempt, this.opts.backoffBaseMs, this.opts.backoffCapMs, this.opts.random);
        if (error.retryAfterMs !== undefined) {
          if (error.retryAfterMs > this.opts.maxRetryAfterMs) throw this.rateLimited(endpoint, error.retryAfterMs);
          // honour Retry-After exactly as the floor, with a little jitter above it
          delay = error.retryAfterMs + Math.round(this.opts.random() * 250);
        }
        this.trace(`! ${error.message}; retry ${attempt + 1} of ${this.opts.retries} in ${delay} ms`);
        this.opts.onRetry?.({ reason: error.reason, delayMs: delay, attempt: attempt + 1, retries: this.opts.retries });
        await this.opts.sleep(delay);
      }
    }
    const failure = lastFailure ?? new RetryableFailure('no attempt made');
    if (failure.retryAfterMs !== undefined) throw this.rateLimited(endpoint, failure.retryAfterMs, attempts);
    if (failure.final) throw failure.final;
    throw new ProviderError(
      `${this.opts.providerName}: ${endpoint} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${failure.message}`,
      'the provider is having trouble; try again later, or raise --retries',
    );
  }

  private rateLimited(endpoint: string, retryAfterMs: number, attempts?: number): ProviderError {
    const tried = attempts ? ` after ${attempts} attempts` : '';
    // `Retry-After: 99999999999999999999999999` is no time to wait for, nor one a Date can hold
    if (!(retryAfterMs <= YEAR_MS)) {
      return new ProviderError(
        `${this.opts.providerName} is rate limiting ${endpoint}${tried}: it asks to retry after more than a year`,
        'try again later; the provider gave no usable time',
      );
    }
    const seconds = Math.ceil(retryAfterMs / 1000);
    return new ProviderError(
      `${this.opts.providerName} is rate limiting ${endpoint}${tried}: it asks to retry after ${seconds}s`,
      `try again after ${this.at(retryAfterMs)}`,
    );
  }

  private async attempt(
    method: string,
    url: URL,
    endpoint: string,
    headers: Record<string, string>,
    payload: string | undefined,
    withAuth: boolean,
  ): Promise<RawJsonResponse> {
    const dispatcher = await this.agent();
    const started = performance.now();
    const tracing = this.opts.trace !== undefined;
    if (tracing) {
      this.trace(`> ${method} ${url.href}`);
      if (withAuth && this.auth) this.trace(`> ${this.auth.name}: ${this.auth.scheme}${redactKey(this.auth.key)}`);
    }
    let status: number;
    let body: Buffer;
    let retryAfter: string | undefined;
    let unreadable: BodyFailure | undefined;
    try {
      const res = await send(
        dispatcher,
        { origin: url.origin, path: `${url.pathname}${url.search}`, method: method as Dispatcher.HttpMethod, headers, body: payload },
        this.opts.timeoutMs,
        this.opts.maxResponseBytes,
      );
      status = res.status;
      retryAfter = res.retryAfter;
      body = res.body;
      unreadable = res.unreadable;
      this.checkClock(res);
    } catch (error) {
      throw this.networkFailure(error, method, url);
    }
    const ms = Math.round(performance.now() - started);
    if (tracing) this.trace(`< ${status} ${endpoint} (${ms} ms, ${body.length} bytes)`);

    if (status >= 200 && status < 300) {
      if (unreadable) throw this.bodyFailure(endpoint, method, unreadable);
      return { status, endpoint, bytes: body };
    }
    let said: string;
    if (unreadable) {
      // the status is the answer: its body would only have said it in words
      said = ` (${unreadableBody(unreadable, this.opts.maxResponseBytes)})`;
    } else {
      const text = decodeUtf8(body);
      let errorBody: unknown = text;
      try {
        errorBody = JSON.parse(text);
      } catch {
        // a non-JSON error page: the status says enough
      }
      said = this.providerSaid(errorBody, body.length);
    }
    if (status === 401) {
      throw new AuthError(
        `${this.opts.providerName} refused the key (401) on ${endpoint}${said}`,
        this.opts.refusedKeyHint ?? 'check the key',
      );
    }
    if (status === 403) {
      throw new AuthError(
        `${this.opts.providerName} denied access (403) to ${endpoint}${said}`,
        this.opts.forbiddenHint ?? 'the key is valid but lacks a permission this needs; check its scopes',
      );
    }
    const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(retryAfter, this.opts.now()) : undefined;
    if (isRetryable(method, { kind: 'status', status })) {
      throw new RetryableFailure(`HTTP ${status}${said}`, retryAfterMs, String(status));
    }
    const answered = `${this.opts.providerName}: ${endpoint} answered HTTP ${status}${said}`;
    if (RETRY_STATUS.has(status)) {
      // a GET would have been sent again: this request is not, and the user is told why and what to do
      if (status === 429) {
        if (retryAfterMs !== undefined) throw this.rateLimited(endpoint, retryAfterMs);
        throw new ProviderError(answered, 'the provider is rate limiting; try again in a minute');
      }
      throw new ProviderError(answered, retryAfterMs === undefined ? NOT_REPEATED : `${NOT_REPEATED} (after ${this.at(retryAfterMs)})`);
    }
    throw new ProviderError(answered, status === 404 ? 'check --base-url: the endpoint was not found there' : undefined);
  }

  /** Once, at the first answer: a provider clock more than a minute from ours is worth a word. */
  private checkClock(res: RawResponse): void {
    if (this.clockChecked) return;
    this.clockChecked = true;
    const at = res.date === undefined ? Number.NaN : Date.parse(res.date);
    if (!Number.isFinite(at)) return;
    const ahead = at - res.headersAt;
    if (Math.abs(ahead) > CLOCK_SKEW_MS) this.opts.onClockSkew?.(ahead);
  }

  /** "2026-11-23T10:01:00Z": `ms` from now, to the second. */
  private at(ms: number): string {
    return new Date(this.opts.now() + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  /**
   * A successful answer whose body cannot be read. A request that changes something (a checkout) was made all
   * the same, for all tally can tell: the advice is then to check before trying again, whatever the body was.
   */
  private bodyFailure(endpoint: string, method: string, error: BodyFailure): ProviderError {
    const who = `${this.opts.providerName}: ${endpoint}`;
    const advice = (hint: string) => (isIdempotent(method) ? hint : NOT_REPEATED);
    if (error instanceof UnreadableEncoding) {
      return new ProviderError(
        `${who} sent its body in an encoding tally cannot read (${error.coding})`,
        advice(`tally reads ${readableCodings()}; report it to the provider, or to tally if the provider documents this encoding`),
      );
    }
    if (error instanceof UndecodableBody) {
      return new ProviderError(
        `${who} sent a body marked ${error.coding} that does not decompress (${error.reason})`,
        advice('the provider sent a damaged answer; try again later, and report it to the provider if it persists'),
      );
    }
    const announced = error.announced === undefined ? '' : ` (it announced ${mib(error.announced)})`;
    return new ProviderError(
      `${who} sent a response larger than ${mib(this.opts.maxResponseBytes)}${announced}${error.decoded ? ' (decompressed)' : ''}`,
      advice('raise the cap with --response-limit <MiB> if the answer is meant to be this large'),
    );
  }

  /**
   * What a request that got no usable answer becomes: a ProviderError, or a RetryableFailure (carrying that
   * error, for when no attempt is left) when isRetryable says the attempt may be made again.
   */
  private networkFailure(error: unknown, method: string, url: URL): Error {
    if (error instanceof TallyError) return error;
    const code = errorCode(error);
    const name = (error as { name?: string }).name;
    const seconds = this.opts.timeoutMs / 1000;
    const idempotent = isIdempotent(method);
    const again = (outcome: RequestOutcome, failure: ProviderError, reason: string): Error =>
      isRetryable(method, outcome) ? new RetryableFailure(reason, undefined, reason, failure) : failure;
    const { proxy } = this.route;
    if (proxy) {
      const refused = /Proxy response \((\d+)\)/.exec(error instanceof Error ? error.message : '');
      if (refused) {
        return new ProviderError(
          `${this.opts.providerName}: the proxy ${showProxy(proxy)} refused to connect to ${url.host} (HTTP ${refused[1]})`,
          refused[1] === '407'
            ? 'the proxy wants credentials: give them in its URL (http://user:password@host:port)'
            : 'check HTTPS_PROXY / HTTP_PROXY, and NO_PROXY for hosts to reach directly',
        );
      }
      if (code === 'ECONNREFUSED') {
        const failure = new ProviderError(
          `${this.opts.providerName}: cannot connect to the proxy ${showProxy(proxy)} (connection refused)`,
          'check HTTPS_PROXY / HTTP_PROXY, and that the proxy is up',
        );
        return again({ kind: 'refused' }, failure, 'proxy refused the connection');
      }
    }
    if (name === 'TimeoutError' || name === 'AbortError' || (code && TIMEOUT_CODES.has(code))) {
      return new ProviderError(
        `${this.opts.providerName}: ${method} ${url.origin}${url.pathname} timed out after ${seconds}s`,
        idempotent ? 'the provider is slow or unreachable; try again later or raise --timeout' : NOT_REPEATED,
      );
    }
    if (code === 'ECONNREFUSED') {
      const failure = new ProviderError(
        `${this.opts.providerName}: cannot connect to ${url.host} (connection refused)`,
        'check --base-url, and that the service is up',
      );
      return again({ kind: 'refused' }, failure, 'connection refused');
    }
    if (code && DNS_CODES.has(code)) {
      const failure = new ProviderError(
        `${this.opts.providerName}: cannot resolve host ${url.hostname}`,
        'check --base-url and your network',
      );
      return again({ kind: 'dns', temporary: code === 'EAI_AGAIN' }, failure, 'name not resolved');
    }
    const detail = code ?? (error instanceof Error ? error.message : String(error));
    if (code && RESET_CODES.has(code)) {
      const failure = new ProviderError(
        `${this.opts.providerName}: ${method} ${url.origin}${url.pathname} failed: ${detail}`,
        idempotent ? undefined : NOT_REPEATED,
      );
      return isRetryable(method, { kind: 'reset' })
        ? new RetryableFailure(`connection dropped (${detail})`, undefined, 'connection dropped')
        : failure;
    }
    return new ProviderError(`${this.opts.providerName}: ${method} ${url.origin}${url.pathname} failed: ${detail}`);
  }
}

const mib = (bytes: number) => `${Math.ceil((bytes / MIB) * 10) / 10} MiB`;

/** What an error answer's body was, where it could not be read: "its body is larger than 64 MiB". */
function unreadableBody(error: BodyFailure, maxBytes: number): string {
  if (error instanceof UnreadableEncoding) return `its body is in an encoding tally cannot read: ${error.coding}`;
  if (error instanceof UndecodableBody) return `its body, marked ${error.coding}, does not decompress: ${error.reason}`;
  return `its body is larger than ${mib(maxBytes)}`;
}

/** A message from the common error shapes: {"error": {"message"}}, {"error": "..."}, {"message"}. */
export function genericMessage(body: unknown): string | undefined {
  if (typeof body === 'string') {
    const t = body.trim();
    return t && t.length < 200 && !t.startsWith('<') ? t : undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  const err = b.error;
  if (typeof err === 'object' && err !== null) {
    const m = (err as Record<string, unknown>).message;
    if (typeof m === 'string') return m;
  }
  if (typeof err === 'string') return err;
  if (typeof b.message === 'string') return b.message;
  if (typeof b.detail === 'string') return b.detail;
  return undefined;
}
