// The /proc readers live in src/runner/proc-stat.ts, shared with the services' resource monitor; this name
// stays for the suite's entry point until it imports them from there.

export { procAvailable } from '../../src/runner/proc-stat.ts';
