// The package as a library, the way a user gets it: `npm pack` of this repository (which builds lib/ through
// the prepare script), the tarball unpacked into a fresh project outside the repository, and that project
// importing 'perf-action' by name - from plain ESM at run time and from TypeScript through the shipped types.
// No network: the tarball's runtime dependencies are linked from this repository's node_modules.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Every name the README's "## Library" section documents; each is a function or a class. */
const DOCUMENTED = [
  'defineConfig',
  'defineBench',
  'generateDag',
  'loadConfig',
  'runSuites',
  'compareResults',
  'buildVerdict',
  'evaluateCriteria',
  'renderMarkdown',
  'renderTerminal',
  'parseResults',
  'parseVerdict',
  'FileBaselineStore',
  'judge',
];

interface PackedManifest {
  main: string;
  types: string;
  exports: Record<string, { types?: string; import?: string } | string>;
  dependencies: Record<string, string>;
}

let tmp = '';
let tarball = '';
/** Paths inside the tarball, without the leading "package/". */
let entries: string[] = [];
/** The consumer project, with perf-action unpacked into its node_modules. */
let project = '';
let installed = '';
let manifest: PackedManifest;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'perf-action-pack-'));
  // No --ignore-scripts: packing must build lib/ by itself, as it does for a git install.
  const packed = await run('npm', ['pack', '--json', '--pack-destination', tmp], {
    cwd: repo,
    env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const report = JSON.parse(packed.stdout) as Array<{ filename: string }>;
  const filename = report[0]?.filename;
  if (!filename) throw new Error(`npm pack reported no tarball: ${packed.stdout}`);
  tarball = path.join(tmp, filename);

  const listing = await run('tar', ['-tzf', tarball], { maxBuffer: 64 * 1024 * 1024 });
  entries = listing.stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => line.replace(/^package\//, ''));

  project = path.join(tmp, 'consumer');
  installed = path.join(project, 'node_modules', 'perf-action');
  fs.mkdirSync(installed, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  fs.writeFileSync(
    path.join(project, 'package.json'),
    `${JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2)}\n`,
  );

  // What `npm install` of the tarball would put beside it: its dependencies (from the packed manifest, so a
  // missing one fails here), plus Node's types for the TypeScript consumer.
  manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')) as PackedManifest;
  for (const dep of [...Object.keys(manifest.dependencies), '@types/node']) {
    const source = path.join(repo, 'node_modules', dep);
    if (!fs.existsSync(source)) throw new Error(`dependency ${dep} is not installed in the repository`);
    const target = path.join(project, 'node_modules', dep);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.symlinkSync(source, target, 'dir');
  }
});

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('npm pack of the repository', () => {
  it('ships the built library and the entries package.json names', () => {
    expect(entries).toContain('package.json');
    expect(entries).toContain('lib/src/index.js');
    expect(entries).toContain('lib/src/index.d.ts');
    expect(entries).toContain('lib/suites/bench/index.js');
    expect(entries).toContain('dist/cli.js');
    const root = manifest.exports['.'];
    if (typeof root !== 'object') throw new Error('exports["."] should be an object with types and import');
    for (const named of [manifest.main, manifest.types, root.import, root.types]) {
      expect(named, 'an entry point named in package.json').toBeTypeOf('string');
      expect(entries).toContain(path.posix.normalize(named as string));
    }
  });

  it('leaves out the tests, CI, sources and build leftovers', () => {
    const unwanted = entries.filter(
      (entry) =>
        entry.startsWith('__tests__/') ||
        entry.startsWith('.ci/') ||
        entry.startsWith('src/') ||
        entry.startsWith('scripts/') ||
        entry.startsWith('node_modules/') ||
        entry.endsWith('.tsbuildinfo'),
    );
    expect(unwanted).toEqual([]);
  });
});

describe('a project that installed the tarball', () => {
  it("imports the documented API from 'perf-action' and uses it", async () => {
    const script = path.join(project, 'main.mjs');
    fs.writeFileSync(
      script,
      [
        "import * as api from 'perf-action';",
        "import { defineBench, parseDuration } from 'perf-action';",
        `const names = ${JSON.stringify(DOCUMENTED)};`,
        'const bench = defineBench({ benches: { noop() {} } });',
        'console.log(JSON.stringify({',
        "  resolved: import.meta.resolve('perf-action'),",
        '  types: Object.fromEntries(names.map((name) => [name, typeof api[name]])),',
        '  benches: Object.keys(bench.benches),',
        "  duration: parseDuration('1.5s'),",
        '}));',
        '',
      ].join('\n'),
    );
    const { stdout } = await run(process.execPath, [script], { cwd: project });
    const out = JSON.parse(stdout) as {
      resolved: string;
      types: Record<string, string>;
      benches: string[];
      duration: number;
    };
    // Resolved from the project's own node_modules, not from this repository.
    const entry = pathToFileURL(path.join(fs.realpathSync(installed), 'lib', 'src', 'index.js')).href;
    expect(out.resolved).toBe(entry);
    expect(out.types).toEqual(Object.fromEntries(DOCUMENTED.map((name) => [name, 'function'])));
    expect(out.benches).toEqual(['noop']);
    expect(out.duration).toBe(1500);
  });

  it('type-checks TypeScript that imports it through the shipped declarations', async () => {
    fs.writeFileSync(
      path.join(project, 'consumer.ts'),
      [
        "import { defineBench, judge, type PerfConfig, renderMarkdown } from 'perf-action';",
        '',
        'export const bench = defineBench({',
        '  params: { size: [10, 100] },',
        '  setup: ({ size }) => new Array<number>(size).fill(1),',
        '  benches: { sum: (xs) => xs.reduce((a, b) => a + b, 0) },',
        '});',
        'export const functions = [judge, renderMarkdown];',
        'export type Config = PerfConfig;',
        '// Real types, not `any`: a bench definition without benches must be rejected.',
        '// @ts-expect-error',
        'export const broken = defineBench({});',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(
      path.join(project, 'tsconfig.json'),
      `${JSON.stringify(
        {
          compilerOptions: {
            target: 'ES2022',
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            strict: true,
            noEmit: true,
            skipLibCheck: true,
            types: ['node'],
          },
          files: ['consumer.ts'],
        },
        null,
        2,
      )}\n`,
    );
    const tsc = path.join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', path.join(project, 'tsconfig.json')], {
      cwd: project,
    }).then(
      () => ({ code: 0, output: '' }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({
        code: error.code ?? -1,
        output: `${error.stdout ?? ''}${error.stderr ?? ''}`,
      }),
    );
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });
});
