// A local stand-in for the GitHub Actions cache service v2, as @actions/cache v6 speaks it:
// - Twirp JSON RPCs under /twirp/github.actions.results.api.v1.CacheService/{CreateCacheEntry,
//   FinalizeCacheEntryUpload,GetCacheEntryDownloadURL}, with proto field names (signed_upload_url,
//   restore_keys, size_bytes, entry_id, matched_key, ...) and Twirp error bodies ({ code, msg }).
// - Signed blob URLs in Azure's path style (http://127.0.0.1:<port>/<account>/<container>/<blob>?sv=..&sig=..)
//   serving the Blob REST operations the storage-blob SDK and the plain http-client use: Put Blob,
//   Put Block, Put Block List, Get Blob (whole or ranged via x-ms-range / Range) and Get Blob Properties (HEAD).
// - Scopes come from the runtime token (ACTIONS_RUNTIME_TOKEN, a bearer JWT): the `ac` claim lists cache scopes
//   with permissions (1 read, 2 write, 3 both), the `scp` claim carries "Actions.Results:<runId>:<jobId>".
//   Entries are written to the token's writable scope and looked up in its readable scopes, in token order.
// The JWT signature is not verified (the real one is RS256 with GitHub's key); structure and expiry are.

import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const SERVICE = 'github.actions.results.api.v1.CacheService';
const ACCOUNT = 'devstoreaccount1';
const CONTAINER = 'actions-cache';
const STORAGE_VERSION = '2025-11-05';

/** Permission bits as the runtime token's `ac` claim uses them. */
export const CachePermission = { Read: 1, Write: 2, ReadWrite: 3 } as const;

export type CacheFault = 'down' | '500' | '429' | 'corrupt-blob';

export interface FaultOptions {
  /** How many requests the fault applies to before it clears itself (default: until replaced). */
  times?: number;
  /** Which requests it applies to (default 'all'). 'corrupt-blob' only ever affects blob downloads. */
  target?: 'all' | 'twirp' | 'blob';
}

export interface CacheServiceOptions {
  /** Start with every request failing as if the service were down (sockets reset). */
  failAll?: boolean;
  /** Start with this fault in place. */
  fault?: CacheFault;
  /** Lifetime of signed upload/download URLs (default 600 s). */
  urlTtlSeconds?: number;
}

export interface CacheEntrySnapshot {
  id: number;
  key: string;
  version: string;
  scope: string;
  finalized: boolean;
  sizeBytes: number;
  createdAt: string;
  runId: string;
  jobId: string;
  /** The committed blob (the archive), if uploaded. */
  data?: Buffer;
}

export interface CacheRequestRecord {
  method: string;
  /** Path without the query string (the query carries the URL signature). */
  path: string;
  /** The Twirp method name, or the blob operation. */
  op: string;
  status: number;
  fault?: CacheFault;
}

export interface CacheService {
  /** Base URL with a trailing slash, as the runner sets ACTIONS_RESULTS_URL. */
  readonly url: string;
  readonly requests: CacheRequestRecord[];
  entries(): CacheEntrySnapshot[];
  setFault(fault: CacheFault | null, opts?: FaultOptions): void;
  /** Remove entries (as cache eviction or deletion would); returns how many were removed. */
  evict(match: (entry: CacheEntrySnapshot) => boolean): number;
  /** The environment variables @actions/cache needs to talk to this service with `token`. */
  env(token: string): Record<string, string>;
  close(): Promise<void>;
}

export interface RuntimeTokenOptions {
  /** Scopes the token may read, e.g. ['refs/pull/7/merge', 'refs/heads/main']. */
  readScopes?: string[];
  /** The one scope the token writes to (also readable), e.g. 'refs/heads/main'. Omit for a read-only token. */
  writeScope?: string;
  runId?: string;
  jobId?: string;
  /** Seconds until `exp` (default 3600; negative makes an expired token). */
  expiresIn?: number;
}

function b64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/**
 * A JWT shaped like the runner's ACTIONS_RUNTIME_TOKEN. The write scope comes first with Permission 3,
 * then the read scopes with Permission 1, in the order given (the order the service searches them).
 */
export function makeRuntimeToken(opts: RuntimeTokenOptions = {}): string {
  const runId = opts.runId ?? randomUUID();
  const jobId = opts.jobId ?? randomUUID();
  const ac: { Scope: string; Permission: number }[] = [];
  if (opts.writeScope) ac.push({ Scope: opts.writeScope, Permission: CachePermission.ReadWrite });
  for (const scope of opts.readScopes ?? []) {
    if (!ac.some((s) => s.Scope === scope)) ac.push({ Scope: scope, Permission: CachePermission.Read });
  }
  const now = Math.floor(Date.now() / 1000);
  const header = { typ: 'JWT', alg: 'RS256', x5t: b64url(randomBytes(20)) };
  const payload = {
    nameid: 'dddddddd-dddd-dddd-dddd-dddddddddddd',
    scp: `Actions.ExampleScope Actions.Results:${runId}:${jobId}`,
    // The real token carries `ac` as a JSON string, not as an array.
    ac: JSON.stringify(ac),
    acsl: '10',
    orchid: `${runId}.build.__default`,
    iss: 'vstoken.actions.githubusercontent.com',
    aud: 'vstoken.actions.githubusercontent.com',
    nbf: now - 60,
    exp: now + (opts.expiresIn ?? 3600),
  };
  return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}.${b64url(randomBytes(64))}`;
}

interface TokenInfo {
  runId: string;
  jobId: string;
  readScopes: string[];
  writeScope: string | undefined;
}

function parseToken(authorization: string | undefined): TokenInfo | string {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!m) return 'missing bearer token';
  const parts = (m[1] as string).split('.');
  if (parts.length !== 3) return 'malformed token';
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return 'malformed token';
  }
  const now = Date.now() / 1000;
  if (typeof claims.exp !== 'number' || claims.exp < now) return 'token expired';
  if (typeof claims.nbf === 'number' && claims.nbf > now + 300) return 'token not yet valid';
  const scp = typeof claims.scp === 'string' ? claims.scp.split(' ') : [];
  const results = scp.find((s) => s.startsWith('Actions.Results:'));
  const [, runId, jobId] = results?.split(':') ?? [];
  if (!runId || !jobId) return 'token has no Actions.Results scope';
  let ac: unknown = claims.ac ?? '[]';
  if (typeof ac === 'string') {
    try {
      ac = JSON.parse(ac);
    } catch {
      return 'malformed ac claim';
    }
  }
  if (!Array.isArray(ac)) return 'malformed ac claim';
  const readScopes: string[] = [];
  let writeScope: string | undefined;
  for (const item of ac as { Scope?: unknown; Permission?: unknown }[]) {
    if (typeof item?.Scope !== 'string' || typeof item.Permission !== 'number') return 'malformed ac claim';
    if (item.Permission & CachePermission.Read) readScopes.push(item.Scope);
    if (item.Permission & CachePermission.Write && writeScope === undefined) writeScope = item.Scope;
  }
  return { runId, jobId, readScopes, writeScope };
}

interface Entry {
  id: number;
  seq: number;
  key: string;
  version: string;
  scope: string;
  runId: string;
  jobId: string;
  createdAt: Date;
  finalized: boolean;
  blobName: string;
  blob?: Buffer;
  etag?: string;
  lastModified?: Date;
  blocks: Map<string, Buffer>;
}

class TwirpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

class StorageError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function str(body: Record<string, unknown>, proto: string, json: string): string | undefined {
  const v = body[proto] ?? body[json];
  return typeof v === 'string' ? v : undefined;
}

export async function startCacheService(opts: CacheServiceOptions = {}): Promise<CacheService> {
  const secret = randomBytes(32);
  const ttl = opts.urlTtlSeconds ?? 600;
  const entries: Entry[] = [];
  const requests: CacheRequestRecord[] = [];
  let nextId = 1;
  let seq = 0;
  let fault: { kind: CacheFault; remaining: number; target: 'all' | 'twirp' | 'blob' } | null = null;
  if (opts.failAll) fault = { kind: 'down', remaining: Number.POSITIVE_INFINITY, target: 'all' };
  else if (opts.fault) fault = { kind: opts.fault, remaining: Number.POSITIVE_INFINITY, target: 'all' };
  let base = '';

  const sign = (perm: string, expiry: string, path: string) =>
    createHmac('sha256', secret).update(`${perm}\n${expiry}\n${path}`).digest('base64');

  function signedUrl(entry: Entry, perm: 'cw' | 'r'): string {
    const path = `/${ACCOUNT}/${CONTAINER}/${entry.blobName}`;
    const se = new Date(Date.now() + ttl * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    const q = new URLSearchParams({ sv: STORAGE_VERSION, sr: 'b', sp: perm, se, sig: sign(perm, se, path) });
    return `${base}${path.slice(1)}?${q.toString()}`;
  }

  function takeFault(kind: 'twirp' | 'blob', op: string): CacheFault | undefined {
    if (!fault || fault.remaining <= 0) return undefined;
    if (fault.target !== 'all' && fault.target !== kind) return undefined;
    if (fault.kind === 'corrupt-blob' && op !== 'GetBlob') return undefined;
    if (fault.kind === '429' && kind !== 'twirp') return undefined;
    const hit = fault.kind;
    fault.remaining -= 1;
    if (fault.remaining <= 0) fault = null;
    return hit;
  }

  // ---- Twirp -------------------------------------------------------------------------------------

  function lookup(token: TokenInfo, key: string, restoreKeys: string[], version: string): Entry | undefined {
    const newest = (list: Entry[]) =>
      list.reduce<Entry | undefined>((a, e) => (!a || e.seq > a.seq ? e : a), undefined);
    for (const scope of token.readScopes) {
      const pool = entries.filter((e) => e.finalized && e.scope === scope && e.version === version);
      const exact = pool.find((e) => e.key === key);
      if (exact) return exact;
      const partial = newest(pool.filter((e) => e.key.startsWith(key)));
      if (partial) return partial;
      for (const rk of restoreKeys) {
        const hit = pool.find((e) => e.key === rk) ?? newest(pool.filter((e) => e.key.startsWith(rk)));
        if (hit) return hit;
      }
    }
    return undefined;
  }

  function rpc(method: string, token: TokenInfo, body: Record<string, unknown>): Record<string, unknown> {
    if (!['CreateCacheEntry', 'FinalizeCacheEntryUpload', 'GetCacheEntryDownloadURL'].includes(method)) {
      throw new TwirpError(404, 'bad_route', `no handler for path "/twirp/${SERVICE}/${method}"`);
    }
    const key = str(body, 'key', 'key');
    const version = str(body, 'version', 'version');
    if (!key) throw new TwirpError(400, 'invalid_argument', 'key is required');
    if (key.length > 512) throw new TwirpError(400, 'invalid_argument', 'key is longer than 512 characters');
    if (!version) throw new TwirpError(400, 'invalid_argument', 'version is required');
    switch (method) {
      case 'CreateCacheEntry': {
        if (!token.writeScope) {
          return { ok: false, message: 'cache write denied: the token has no writable cache scope' };
        }
        const scope = token.writeScope;
        if (entries.some((e) => e.scope === scope && e.key === key && e.version === version)) {
          throw new TwirpError(
            409,
            'already_exists',
            'cache entry with the same key, version, and scope already exists',
          );
        }
        const entry: Entry = {
          id: nextId++,
          seq: seq++,
          key,
          version,
          scope,
          runId: token.runId,
          jobId: token.jobId,
          createdAt: new Date(),
          finalized: false,
          blobName: `${randomUUID()}`,
          blocks: new Map(),
        };
        entries.push(entry);
        return { ok: true, signed_upload_url: signedUrl(entry, 'cw') };
      }
      case 'FinalizeCacheEntryUpload': {
        if (!token.writeScope) {
          return { ok: false, message: 'cache write denied: the token has no writable cache scope' };
        }
        const entry = entries.find((e) => e.scope === token.writeScope && e.key === key && e.version === version);
        if (!entry) throw new TwirpError(404, 'not_found', 'cache entry not found');
        if (entry.finalized) {
          throw new TwirpError(
            409,
            'already_exists',
            'cache entry with the same key, version, and scope already exists',
          );
        }
        if (!entry.blob) throw new TwirpError(412, 'failed_precondition', 'cache entry has no uploaded blob');
        const raw = body.size_bytes ?? body.sizeBytes;
        const size = typeof raw === 'string' || typeof raw === 'number' ? Number(raw) : Number.NaN;
        if (size !== entry.blob.length) {
          throw new TwirpError(
            400,
            'invalid_argument',
            `size_bytes ${String(raw)} does not match the uploaded blob (${entry.blob.length} bytes)`,
          );
        }
        entry.finalized = true;
        return { ok: true, entry_id: String(entry.id) };
      }
      case 'GetCacheEntryDownloadURL': {
        if (token.readScopes.length === 0) {
          throw new TwirpError(403, 'permission_denied', 'cache read denied: the token has no readable cache scopes');
        }
        const raw = body.restore_keys ?? body.restoreKeys ?? [];
        const restoreKeys = Array.isArray(raw) ? raw.filter((k): k is string => typeof k === 'string') : [];
        const hit = lookup(token, key, restoreKeys, version);
        if (!hit) return { ok: false, signed_download_url: '', matched_key: '' };
        return { ok: true, signed_download_url: signedUrl(hit, 'r'), matched_key: hit.key };
      }
      default:
        throw new TwirpError(404, 'bad_route', `no handler for path "/twirp/${SERVICE}/${method}"`);
    }
  }

  async function handleTwirp(req: IncomingMessage, res: ServerResponse, path: string, record: CacheRequestRecord) {
    const method = path.slice(`/twirp/${SERVICE}/`.length);
    record.op = method;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const body = await readBody(req);
    const injected = takeFault('twirp', method);
    if (injected === 'down') {
      record.fault = injected;
      record.status = 0;
      req.socket.destroy();
      return;
    }
    if (injected === '500') {
      record.fault = injected;
      return send(500, { code: 'internal', msg: 'internal error' });
    }
    if (injected === '429') {
      record.fault = injected;
      return send(429, { code: 'resource_exhausted', msg: 'rate limit exceeded' }, { 'retry-after': '60' });
    }
    try {
      if (req.method !== 'POST') {
        throw new TwirpError(404, 'bad_route', `unsupported method ${req.method} (only POST is allowed)`);
      }
      if (!path.startsWith(`/twirp/${SERVICE}/`))
        throw new TwirpError(404, 'bad_route', `no handler for path "${path}"`);
      const ct = String(req.headers['content-type'] ?? '').split(';')[0];
      if (ct !== 'application/json') {
        throw new TwirpError(404, 'bad_route', `unexpected Content-Type: "${ct}"`);
      }
      const token = parseToken(req.headers.authorization);
      if (typeof token === 'string') throw new TwirpError(401, 'unauthenticated', token);
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        throw new TwirpError(400, 'malformed', 'the request body is not valid JSON');
      }
      if (typeof parsed !== 'object' || parsed === null) throw new TwirpError(400, 'malformed', 'expected an object');
      send(200, rpc(method, token, parsed as Record<string, unknown>));
    } catch (err) {
      if (err instanceof TwirpError) return send(err.status, { code: err.code, msg: err.message });
      throw err;
    }
  }

  // ---- Blob storage ------------------------------------------------------------------------------

  function storageHeaders(extra: Record<string, string | number> = {}): Record<string, string | number> {
    return {
      'x-ms-request-id': randomUUID(),
      'x-ms-version': STORAGE_VERSION,
      date: new Date().toUTCString(),
      ...extra,
    };
  }

  function sendStorageError(res: ServerResponse, record: CacheRequestRecord, err: StorageError, head: boolean) {
    record.status = err.status;
    const xml =
      `<?xml version="1.0" encoding="utf-8"?><Error><Code>${err.code}</Code>` +
      `<Message>${err.message}\nRequestId:${randomUUID()}\nTime:${new Date().toISOString()}</Message></Error>`;
    res.writeHead(
      err.status,
      storageHeaders({ 'content-type': 'application/xml', 'x-ms-error-code': err.code, 'content-length': xml.length }),
    );
    res.end(head ? undefined : xml);
  }

  function blobOp(method: string, comp: string | null): string {
    if (method === 'PUT') return comp === 'block' ? 'PutBlock' : comp === 'blocklist' ? 'PutBlockList' : 'PutBlob';
    if (method === 'HEAD') return 'GetBlobProperties';
    if (method === 'GET') return 'GetBlob';
    return `${method}Blob`;
  }

  function parseRange(header: string, size: number): [number, number] | null {
    const m = /^bytes=(\d+)-(\d*)$/.exec(header.trim());
    if (!m) throw new StorageError(400, 'InvalidHeaderValue', `The value for one of the HTTP headers is not valid.`);
    const start = Number(m[1]);
    const end = m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
    if (start >= size || end < start) {
      throw new StorageError(
        416,
        'InvalidRange',
        'The range specified is invalid for the current size of the resource.',
      );
    }
    return [start, end];
  }

  async function handleBlob(req: IncomingMessage, res: ServerResponse, url: URL, record: CacheRequestRecord) {
    const method = req.method ?? 'GET';
    const comp = url.searchParams.get('comp');
    const op = blobOp(method, comp);
    record.op = op;
    const head = method === 'HEAD';
    const body = method === 'PUT' ? await readBody(req) : Buffer.alloc(0);
    const injected = takeFault('blob', op);
    if (injected === 'down') {
      record.fault = injected;
      record.status = 0;
      req.socket.destroy();
      return;
    }
    try {
      if (injected === '500') {
        record.fault = injected;
        throw new StorageError(
          500,
          'InternalError',
          'The server encountered an internal error. Please retry the request.',
        );
      }
      const path = url.pathname;
      const sp = url.searchParams.get('sp') ?? '';
      const se = url.searchParams.get('se') ?? '';
      const sig = url.searchParams.get('sig') ?? '';
      const expected = Buffer.from(sign(sp, se, path));
      const given = Buffer.from(sig);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new StorageError(
          403,
          'AuthenticationFailed',
          'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.',
        );
      }
      if (!(Date.parse(se) > Date.now())) {
        throw new StorageError(403, 'AuthenticationFailed', 'Signed expiry time has to be after signed start time');
      }
      const blobName = path.slice(`/${ACCOUNT}/${CONTAINER}/`.length);
      const entry = entries.find((e) => e.blobName === decodeURIComponent(blobName));
      const needs = method === 'PUT' ? 'w' : 'r';
      if (!sp.includes(needs)) {
        throw new StorageError(
          403,
          'AuthorizationPermissionMismatch',
          'This request is not authorized to perform this operation using this permission.',
        );
      }
      if (method === 'PUT') {
        if (!entry) throw new StorageError(404, 'ContainerNotFound', 'The specified container does not exist.');
        if (entry.finalized) {
          throw new StorageError(
            409,
            'BlobImmutableDueToPolicy',
            'This operation is not permitted as the blob is immutable.',
          );
        }
        const declared = req.headers['content-length'];
        if (declared !== undefined && Number(declared) !== body.length) {
          throw new StorageError(400, 'InvalidHeaderValue', 'Content-Length does not match the request body.');
        }
        const md5 = createHash('md5').update(body).digest('base64');
        if (op === 'PutBlock') {
          const id = url.searchParams.get('blockid');
          if (!id) throw new StorageError(400, 'InvalidQueryParameterValue', 'Value for blockid is not valid.');
          entry.blocks.set(id, body);
          record.status = 201;
          res.writeHead(201, storageHeaders({ 'content-md5': md5, 'x-ms-request-server-encrypted': 'true' }));
          res.end();
          return;
        }
        let data: Buffer;
        if (op === 'PutBlockList') {
          const xml = body.toString('utf8');
          if (!/<BlockList>/.test(xml))
            throw new StorageError(400, 'InvalidXmlDocument', 'XML specified is not syntactically valid.');
          const parts: Buffer[] = [];
          for (const m of xml.matchAll(/<(Latest|Uncommitted|Committed)>([^<]*)<\/\1>/g)) {
            const block = entry.blocks.get(m[2] as string);
            if (!block) throw new StorageError(400, 'InvalidBlockList', 'The specified block list is invalid.');
            parts.push(block);
          }
          data = Buffer.concat(parts);
          entry.blocks.clear();
        } else {
          if (String(req.headers['x-ms-blob-type'] ?? '') !== 'BlockBlob') {
            throw new StorageError(
              400,
              'MissingRequiredHeader',
              'An HTTP header that is mandatory for this request is not specified.',
            );
          }
          data = body;
        }
        entry.blob = data;
        entry.lastModified = new Date();
        entry.etag = `"0x${(Date.now() * 1000 + entry.seq).toString(16).toUpperCase()}"`;
        record.status = 201;
        res.writeHead(
          201,
          storageHeaders({
            etag: entry.etag,
            'last-modified': entry.lastModified.toUTCString(),
            'x-ms-request-server-encrypted': 'true',
            ...(op === 'PutBlob' ? { 'content-md5': md5 } : {}),
          }),
        );
        res.end();
        return;
      }
      if (method !== 'GET' && method !== 'HEAD') {
        throw new StorageError(
          405,
          'UnsupportedHttpVerb',
          'The resource doesn\u2019t support the specified HTTP verb.',
        );
      }
      if (!entry?.blob || !entry.finalized || !entry.etag || !entry.lastModified) {
        throw new StorageError(404, 'BlobNotFound', 'The specified blob does not exist.');
      }
      const ifMatch = req.headers['if-match'];
      if (ifMatch && ifMatch !== '*' && ifMatch !== entry.etag) {
        throw new StorageError(
          412,
          'ConditionNotMet',
          'The condition specified using HTTP conditional header(s) is not met.',
        );
      }
      const blob = entry.blob;
      const rangeHeader = req.headers['x-ms-range'] ?? req.headers.range;
      const range = typeof rangeHeader === 'string' && !head ? parseRange(rangeHeader, blob.length) : null;
      let slice = range ? blob.subarray(range[0], range[1] + 1) : blob;
      if (injected === 'corrupt-blob') {
        record.fault = injected;
        slice = Buffer.from(slice.map((b) => b ^ 0xa5));
      }
      const status = range ? 206 : 200;
      record.status = status;
      res.writeHead(
        status,
        storageHeaders({
          'content-type': 'application/octet-stream',
          'content-length': slice.length,
          ...(range ? { 'content-range': `bytes ${range[0]}-${range[1]}/${blob.length}` } : {}),
          'accept-ranges': 'bytes',
          etag: entry.etag,
          'last-modified': entry.lastModified.toUTCString(),
          'x-ms-creation-time': entry.lastModified.toUTCString(),
          'x-ms-blob-type': 'BlockBlob',
          'x-ms-lease-status': 'unlocked',
          'x-ms-lease-state': 'available',
          'x-ms-server-encrypted': 'true',
        }),
      );
      res.end(head ? undefined : slice);
    } catch (err) {
      if (err instanceof StorageError) return sendStorageError(res, record, err, head);
      throw err;
    }
  }

  // ---- Server ------------------------------------------------------------------------------------

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record: CacheRequestRecord = { method: req.method ?? '', path: url.pathname, op: '', status: 0 };
    requests.push(record);
    const work = url.pathname.startsWith('/twirp/')
      ? handleTwirp(req, res, url.pathname, record)
      : url.pathname.startsWith(`/${ACCOUNT}/${CONTAINER}/`)
        ? handleBlob(req, res, url, record)
        : Promise.resolve().then(() => {
            record.status = 404;
            res.writeHead(404, { 'content-type': 'text/plain' });
            res.end('not found');
          });
    work.catch((err: unknown) => {
      record.status = 500;
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  const snapshot = (e: Entry): CacheEntrySnapshot => ({
    id: e.id,
    key: e.key,
    version: e.version,
    scope: e.scope,
    finalized: e.finalized,
    sizeBytes: e.blob?.length ?? 0,
    createdAt: e.createdAt.toISOString(),
    runId: e.runId,
    jobId: e.jobId,
    ...(e.blob ? { data: Buffer.from(e.blob) } : {}),
  });

  return {
    url: base,
    requests,
    entries: () => entries.map(snapshot),
    setFault(kind, o = {}) {
      fault = kind ? { kind, remaining: o.times ?? Number.POSITIVE_INFINITY, target: o.target ?? 'all' } : null;
    },
    evict(match) {
      let removed = 0;
      for (let i = entries.length - 1; i >= 0; i--) {
        if (match(snapshot(entries[i] as Entry))) {
          entries.splice(i, 1);
          removed++;
        }
      }
      return removed;
    },
    env: (token) => ({
      ACTIONS_RESULTS_URL: base,
      ACTIONS_RUNTIME_TOKEN: token,
      ACTIONS_CACHE_SERVICE_V2: 'True',
    }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
