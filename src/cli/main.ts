import { beside } from './beside.ts';
import { processIo } from './command.ts';

// The `beside` command line (bin/beside.mjs, npm run beside). The commands live in beside.ts, so
// that tests can run them in their own process with their own input, output and environment.
process.exitCode = await beside(process.argv.slice(2), processIo);
