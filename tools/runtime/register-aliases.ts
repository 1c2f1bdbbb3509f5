/**
 * Resolves the `@cae/*` path aliases of tsconfig.base.json inside the compiled `dist/` tree at run time.
 * Services start as `node -r ./dist/tools/runtime/register-aliases.js dist/apps/<service>/src/main.js`.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { register } from 'tsconfig-paths';

const distRoot = resolve(__dirname, '..', '..');
const projectRoot = resolve(distRoot, '..');
const { compilerOptions } = JSON.parse(readFileSync(join(projectRoot, 'tsconfig.base.json'), 'utf8')) as {
  compilerOptions: { paths: Record<string, string[]> };
};
register({ baseUrl: distRoot, paths: compilerOptions.paths, addMatchAll: false });
