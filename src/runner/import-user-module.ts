// Import a user's module (benchmark file, perf.config.ts) at run time. The magic comment keeps the
// bundler from resolving the import at build time: the path is only known when the user runs us.

import { pathToFileURL } from 'node:url';

export function importUserModule(file: string): Promise<Record<string, unknown>> {
  return import(/* webpackIgnore: true */ pathToFileURL(file).href) as Promise<Record<string, unknown>>;
}
