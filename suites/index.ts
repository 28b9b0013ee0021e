// The registry of suite kinds: adding a kind is a folder under suites/ and one line here.

import type { SuiteKind } from '../src/runner/suite-kind.ts';
import { amqpKind } from './amqp/index.ts';
import { benchKind } from './bench/index.ts';
import { commandKind } from './command/index.ts';
import { httpKind } from './http/index.ts';
import { redisStreamsKind } from './redis-streams/index.ts';

export const suiteKinds: readonly SuiteKind[] = [benchKind, commandKind, httpKind, redisStreamsKind, amqpKind];
