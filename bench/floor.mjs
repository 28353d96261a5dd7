// Lower bounds for an export client: what it costs only to download the ledger's pages (and, in one mode,
// to parse them), with nothing mapped, checked or written. bench/export.mjs times each mode as its own
// process beside curl, tally and the Python example, so the export's targets can be read against what no
// client built on that HTTP stack can beat on this machine.
//
// Usage: TALLY_BASE_URL=… TALLY_API_KEY=… node bench/floor.mjs <mode> <pages>   (build first: npm run build)
//   tally-http        tally's own HTTP client (undici's Agent through dispatch), bodies kept as bytes
//   tally-http+parse  the same, each body decoded and JSON.parse'd as the export does
//   node-http         Node's built-in http module (its C llhttp parser), bodies kept as bytes
//   raw-socket        plain keep-alive sockets framing responses by Content-Length: a bound, not a client
//                     (no chunked bodies, TLS, redirects, retries or timeouts)
// All modes ask for the bytespike transactions pages the export asks for (page_size 200, `until` the
// start), 4 in flight as the export keeps them, and print what they received as one JSON line (pages, and
// bytes or entries where the mode sees them), so that a test can hold every mode to the whole download.
import { Buffer } from 'node:buffer';

const [mode, pagesArg] = process.argv.slice(2);
const pages = Number(pagesArg);
const key = process.env.TALLY_API_KEY ?? '';
if (!Number.isInteger(pages) || pages < 1 || !key || !process.env.TALLY_BASE_URL) {
  console.error('usage: TALLY_BASE_URL=… TALLY_API_KEY=… node bench/floor.mjs <mode> <pages>');
  process.exit(2);
}
const base = new URL(`${process.env.TALLY_BASE_URL}/`);
const until = new Date().toISOString();
const PATH = 'api/v1/me/billing/transactions';
const IN_FLIGHT = 4;
/** What came back, printed at the end. */
const received = { pages: 0 };
const query = (page) => `page=${page}&page_size=200&until=${encodeURIComponent(until)}`;

/** Runs `get(page)` for every page, IN_FLIGHT at a time. */
async function fetchAll(get) {
  let next = 0;
  const worker = async () => {
    while (next < pages) await get(++next);
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

async function tallyHttp(parse) {
  const { HttpClient } = await import(new URL('../dist/core/http.js', import.meta.url).href);
  const client = new HttpClient(
    base,
    { name: 'Authorization', scheme: 'Bearer ', key },
    { timeoutMs: 30_000, retries: 0, providerName: 'bytespike' },
  );
  if (parse) received.entries = 0;
  await fetchAll(async (page) => {
    const res = await client.getJsonDeferred(`/${PATH}`, { page, page_size: 200, until });
    received.pages++;
    if (parse) received.entries += res.body().items.length;
  });
  await client.close();
}

async function nodeHttp() {
  const http = await import('node:http');
  const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  received.bytes = 0;
  const get = (page) =>
    new Promise((resolve, reject) => {
      const req = http.get(
        {
          agent,
          host: base.hostname,
          port: base.port,
          path: `${base.pathname}${PATH}?${query(page)}`,
          headers: { authorization: `Bearer ${key}` },
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}`));
            received.pages++;
            received.bytes += Buffer.concat(chunks).length;
            resolve();
          });
        },
      );
      req.on('error', reject);
    });
  await fetchAll(get);
  agent.destroy();
}

async function rawSocket() {
  const net = await import('node:net');
  received.bytes = 0;
  let next = 0;
  const connection = () =>
    new Promise((resolve, reject) => {
      const socket = net.connect(Number(base.port), base.hostname);
      let buffered = Buffer.alloc(0);
      let bodyAt = -1;
      let length = -1;
      const send = () => {
        if (next >= pages) return socket.end(resolve);
        const page = ++next;
        socket.write(`GET ${base.pathname}${PATH}?${query(page)} HTTP/1.1\r\nHost: ${base.host}\r\nAuthorization: Bearer ${key}\r\n\r\n`);
      };
      socket.on('error', reject);
      socket.on('data', (data) => {
        buffered = buffered.length ? Buffer.concat([buffered, data]) : data;
        for (;;) {
          if (length < 0) {
            const end = buffered.indexOf('\r\n\r\n');
            if (end < 0) return;
            const head = buffered.toString('latin1', 0, end);
            if (!head.startsWith('HTTP/1.1 200')) return reject(new Error(head.split('\r\n')[0]));
            length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? Number.NaN);
            if (Number.isNaN(length)) return reject(new Error('no Content-Length'));
            bodyAt = end + 4;
          }
          if (buffered.length < bodyAt + length) return;
          received.pages++;
          received.bytes += length;
          buffered = buffered.subarray(bodyAt + length);
          length = -1;
          send();
          if (buffered.length === 0) return;
        }
      });
      send();
    });
  await Promise.all(Array.from({ length: IN_FLIGHT }, connection));
}

const modes = {
  'tally-http': () => tallyHttp(false),
  'tally-http+parse': () => tallyHttp(true),
  'node-http': nodeHttp,
  'raw-socket': rawSocket,
};
const run = modes[mode];
if (!run) {
  console.error(`unknown mode "${mode}": one of ${Object.keys(modes).join(', ')}`);
  process.exit(2);
}
await run();
console.log(JSON.stringify(received));
