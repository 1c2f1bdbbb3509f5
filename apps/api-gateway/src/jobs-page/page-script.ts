import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The Jobs page's one script, made of the modules of ./client as the build compiled them (tsc writes CommonJS next
 * to this file in dist/, which is all the container image has): each module becomes a function of a small
 * `require` that only knows these modules, and ./app starts the page. No bundler and no build step beyond the
 * project's own `tsc`; the client code is type-checked, linted and unit-tested like the rest.
 */

export const CLIENT_DIR = join(__dirname, 'client');
/** The module that starts the page (its `startJobsPage`). */
const ENTRY = 'app';

/** A client module's compiled JavaScript: from dist/ the file tsc wrote; from sources (unit tests) transpiled here. */
export type ModuleReader = (name: string) => string;

/**
 * The modules of ./client, by name: `app`, `format`, ... (not tests). In dist/ the compiled `.js`; when the gateway
 * runs from its sources (ts-jest, ts-node) the `.ts`, transpiled with the TypeScript compiler of the dev tools.
 */
export function clientModuleNames(dir = CLIENT_DIR): string[] {
  const files = readdirSync(dir);
  const compiled = files.filter((file) => file.endsWith('.js') && !file.endsWith('.spec.js'));
  const chosen = compiled.length > 0 ? compiled : files.filter((file) => /^[^.]+\.ts$/.test(file));
  return chosen.map((file) => file.replace(/\.(js|ts)$/, '')).sort();
}

export function readCompiledModule(name: string, dir = CLIENT_DIR): string {
  try {
    return readFileSync(join(dir, `${name}.js`), 'utf8');
  } catch {
    // Running from the sources: only the tests and ts-node do, and they have the dev dependencies.
    const ts = require('typescript') as typeof import('typescript');
    const source = readFileSync(join(dir, `${name}.ts`), 'utf8');
    return ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
  }
}

/** The `require("./x")` calls of a compiled module: client modules only, so the script stands alone in a browser. */
export function requiredModules(source: string): string[] {
  return [...source.matchAll(/\brequire\(\s*(["'])([^"']*)\1\s*\)/g)].map((match) => match[2]);
}

/** The script, from every client module. Throws when a module requires anything but another client module. */
export function buildPageScript(
  names = clientModuleNames(),
  read: ModuleReader = (name) => readCompiledModule(name),
): string {
  const known = new Set(names);
  const modules = names.map((name) => {
    // The source map comment would make browsers ask the gateway for a map it does not serve.
    const source = read(name).replace(/^\/\/# sourceMappingURL=.*$/gm, '');
    for (const required of requiredModules(source)) {
      if (!required.startsWith('./') || !known.has(required.slice(2))) {
        throw new Error(
          `client module ${name} requires ${required}: the Jobs page's script may only use ./client modules`,
        );
      }
    }
    return `${JSON.stringify(`./${name}`)}: function (exports, require, module) {\n${source}\n}`;
  });
  return `// The Jobs page (apps/api-gateway/src/jobs-page/client): one script, no external code.
(function () {
  'use strict';
  var modules = {
${modules.join(',\n')}
  };
  var loaded = {};
  function load(name) {
    if (!Object.prototype.hasOwnProperty.call(modules, name)) throw new Error('no module ' + name);
    if (loaded[name]) return loaded[name].exports;
    var module = { exports: {} };
    loaded[name] = module;
    modules[name].call(undefined, module.exports, load, module);
    return module.exports;
  }
  load(${JSON.stringify(`./${ENTRY}`)}).startJobsPage();
})();
`;
}
