/**
 * The container image's entrypoint (deploy/images/Dockerfile): one image holds every service, and the first argument
 * says which one this container runs.
 *
 *   node dist/tools/runtime/start.js <api-gateway|query|writer|delivery|jobs|migrate> [args...]
 *
 * It only picks a compiled module and loads it: each target starts by itself when loaded, exactly as
 * `node dist/apps/<service>/src/main.js` does. Anything else is a usage error (exit 2), so a typo in a Kubernetes
 * manifest fails at once instead of starting the wrong service.
 */
import { relative, resolve } from 'node:path';

/** The targets, as paths relative to this file in dist/ (dist/tools/runtime/start.js). */
const TARGETS: Readonly<Record<string, string>> = {
  'api-gateway': '../../apps/api-gateway/src/main',
  query: '../../apps/query/src/main',
  writer: '../../apps/writer/src/main',
  delivery: '../../apps/delivery/src/main',
  jobs: '../../apps/jobs/src/main',
  // The database migrations (tools/migrate/migrate.ts): run once before a release's services start.
  migrate: '../migrate/migrate',
};

const USAGE = `usage: start.js <${Object.keys(TARGETS).join('|')}> [args...]`;

const name = process.argv[2];
if (name === undefined || !Object.hasOwn(TARGETS, name)) {
  process.stderr.write(`${name === undefined ? 'no service given' : `unknown service '${name}'`}\n${USAGE}\n`);
  process.exit(2);
}

// Resolved first, so a target missing from this build is told apart from a module missing inside a target.
let target: string;
try {
  target = require.resolve(resolve(__dirname, TARGETS[name]));
} catch {
  const missing = relative(process.cwd(), resolve(__dirname, `${TARGETS[name]}.js`));
  process.stderr.write(`start.js: '${name}' is not in this build (${missing} is missing)\n`);
  process.exit(1);
}

// The target sees the command line it would see if started directly: `node <target> [args...]`.
process.argv = [process.argv[0], target, ...process.argv.slice(3)];
// Loaded lazily (only the chosen target): the other services' modules are never read.
require(target);
