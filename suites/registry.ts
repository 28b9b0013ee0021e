// The registry the entry points hand the engine: every built-in suite kind, the ingest readers, and the
// library API that user modules import as 'perf-action'.

import * as api from '../src/index.ts';
import type { IngestTool, Registry } from '../src/runner/registry.ts';
import { suiteKinds } from './index.ts';
import { INGEST_FORMATS, IngestError, type IngestFormat, ingestFiles } from './ingest/index.ts';

const ingestTool: IngestTool = {
  formats: INGEST_FORMATS,
  ingestFiles: (paths, { format, suite, better }) =>
    ingestFiles(paths, {
      suite,
      ...(better ? { better } : {}),
      // The command checked the name against `formats`.
      ...(format !== undefined ? { format: format as IngestFormat | 'auto' } : {}),
    }),
  isInputError: (err): err is Error => err instanceof IngestError,
};

export const registry: Registry = { kinds: suiteKinds, api: { ...api }, ingest: ingestTool };
