// Lets Node 20+ import TypeScript benchmark files and perf.config.ts without a build step, and makes
// `import { defineBench } from 'perf-action'` work even where perf-action is not installed (the action).
//
// Where Node has synchronous in-thread hooks (`module.registerHooks`, Node 22.15+ and 23.5+, so the
// action's Node 24), they call sucrase directly. Node 20 only has `module.register`, whose hooks run on a
// separate thread that cannot reach our bundled copy of sucrase, so that hook asks this thread to transpile
// over a MessagePort; its source is inlined as a data: URL so the ncc bundles need no extra files. The
// port round trip deadlocks on Node 24, whose main thread blocks while the hooks thread loads a module,
// which is why the in-thread hooks are preferred wherever they exist.

import { readFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { transform } from 'sucrase';

const API_KEY = Symbol.for('perf-action.api');
let registered = false;

const HOOKS = `
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
let port; let names = []; let seq = 0; const waiting = new Map();
export async function initialize(data) {
  port = data.port; names = data.names;
  port.on('message', (m) => { const w = waiting.get(m.id); if (!w) return; waiting.delete(m.id);
    if (m.error) w.reject(new Error(m.error)); else w.resolve(m.code); });
  port.unref();
}
function transpile(url, source) {
  const id = ++seq;
  return new Promise((resolve, reject) => { waiting.set(id, { resolve, reject }); port.ref(); port.postMessage({ id, url, source }); })
    .finally(() => { if (waiting.size === 0) port.unref(); });
}
const TS = /\\.(ts|mts|cts)$/;
export async function resolve(specifier, context, next) {
  if (specifier === 'perf-action' || specifier.startsWith('perf-action/')) return { url: 'perf-action:api', shortCircuit: true };
  try { return await next(specifier, context); } catch (err) {
    const parent = context.parentURL || '';
    if (!parent.startsWith('file:') || !/^\\.{0,2}\\//.test(specifier)) throw err;
    // TypeScript-style specifiers: './x.js' for './x.ts', or no extension at all.
    const bases = specifier.endsWith('.js') ? [specifier.slice(0, -3)] : [specifier];
    for (const b of bases) for (const ext of ['.ts', '.mts', '/index.ts', '.js', '.mjs', '/index.js']) {
      try { return await next(b + ext, context); } catch {}
    }
    throw err;
  }
}
export async function load(url, context, next) {
  if (url === 'perf-action:api') {
    const lines = names.map((n) => 'export const ' + n + ' = api[' + JSON.stringify(n) + '];');
    return { format: 'module', shortCircuit: true,
      source: 'const api = globalThis[Symbol.for("perf-action.api")];\\n' + lines.join('\\n') + '\\nexport default api;' };
  }
  if (url.startsWith('file:') && TS.test(new URL(url).pathname)) {
    const source = await readFile(fileURLToPath(url), 'utf8');
    const code = await transpile(url, source);
    return { format: url.endsWith('.cts') ? 'commonjs' : 'module', source: code, shortCircuit: true };
  }
  return next(url, context);
}
`;

/** Transpile TypeScript to JavaScript, keeping ES module syntax; errors name the file and position. */
export function transpileTs(source: string, filePath: string): string {
  return transform(source, {
    transforms: ['typescript'],
    filePath,
    disableESTransforms: true,
    keepUnusedImports: false,
  }).code;
}

const API_URL = 'perf-action:api';
const TS_EXT = /\.(ts|mts|cts)$/;
const FALLBACK_EXTS = ['.ts', '.mts', '/index.ts', '.js', '.mjs', '/index.js'];

function apiSource(names: readonly string[]): string {
  const lines = names.map((n) => `export const ${n} = api[${JSON.stringify(n)}];`);
  return `const api = globalThis[Symbol.for("perf-action.api")];\n${lines.join('\n')}\nexport default api;`;
}

interface SyncResolveResult {
  url: string;
  format?: string | null;
  shortCircuit?: boolean;
}
interface SyncLoadResult {
  format?: string | null;
  source?: string | ArrayBuffer | Uint8Array;
  shortCircuit?: boolean;
}
type SyncHooks = {
  resolve: (
    specifier: string,
    context: { parentURL?: string },
    next: (s: string, c?: { parentURL?: string }) => SyncResolveResult,
  ) => SyncResolveResult;
  load: (url: string, context: object, next: (u: string, c?: object) => SyncLoadResult) => SyncLoadResult;
};

/** The in-thread variant of the hooks above, for `module.registerHooks`. */
function registerSyncHooks(register: (hooks: SyncHooks) => unknown, names: readonly string[]): void {
  register({
    resolve(specifier, context, next) {
      if (specifier === 'perf-action' || specifier.startsWith('perf-action/')) {
        return { url: API_URL, shortCircuit: true };
      }
      try {
        return next(specifier, context);
      } catch (err) {
        const parent = context.parentURL ?? '';
        if (!parent.startsWith('file:') || !/^\.{0,2}\//.test(specifier)) throw err;
        const base = specifier.endsWith('.js') ? specifier.slice(0, -3) : specifier;
        for (const ext of FALLBACK_EXTS) {
          try {
            return next(base + ext, context);
          } catch {
            // try the next spelling
          }
        }
        throw err;
      }
    },
    load(url, context, next) {
      if (url === API_URL) return { format: 'module', source: apiSource(names), shortCircuit: true };
      if (url.startsWith('file:') && TS_EXT.test(new URL(url).pathname)) {
        const file = fileURLToPath(url);
        let code: string;
        try {
          code = transpileTs(readFileSync(file, 'utf8'), file);
        } catch (err) {
          throw new Error(`${file}: ${(err as Error).message}`);
        }
        return { format: url.endsWith('.cts') ? 'commonjs' : 'module', source: code, shortCircuit: true };
      }
      return next(url, context);
    },
  });
}

/**
 * Install the hooks once per process. `api` is what `import ... from 'perf-action'` returns inside
 * benchmark and config files.
 */
export function registerTsLoader(api: Record<string, unknown>): void {
  (globalThis as Record<symbol, unknown>)[API_KEY] = api;
  if (registered) return;
  registered = true;
  const names = Object.keys(api).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== 'default');
  const registerHooks = (nodeModule as { registerHooks?: (hooks: SyncHooks) => unknown }).registerHooks;
  if (typeof registerHooks === 'function') {
    registerSyncHooks(registerHooks, names);
    return;
  }
  const { port1, port2 } = new MessageChannel();
  port1.on('message', (m: { id: number; url: string; source: string }) => {
    try {
      port1.postMessage({ id: m.id, code: transpileTs(m.source, new URL(m.url).pathname) });
    } catch (err) {
      port1.postMessage({ id: m.id, error: `${new URL(m.url).pathname}: ${(err as Error).message}` });
    }
  });
  port1.unref();
  nodeModule.register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, {
    data: { port: port2, names },
    transferList: [port2],
  });
}
