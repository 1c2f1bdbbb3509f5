import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';
import ts from 'typescript';
import { buildPageScript, CLIENT_DIR, clientModuleNames, readCompiledModule, requiredModules } from './page-script';

/** The code of each client module, without its comments (which may name what the code must not do). */
function clientCode(): { file: string; code: string }[] {
  return readdirSync(CLIENT_DIR)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.spec.ts'))
    .map((file) => ({
      file,
      code: ts.transpileModule(readFileSync(join(CLIENT_DIR, file), 'utf8'), {
        compilerOptions: { removeComments: true, target: ts.ScriptTarget.ES2022 },
      }).outputText,
    }));
}

describe('the Jobs page script', () => {
  const script = buildPageScript();

  it('holds every client module (not the tests), and starts the page from app', () => {
    const sources = readdirSync(CLIENT_DIR).filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'));
    expect(clientModuleNames()).toEqual(sources.map((file) => file.replace(/\.ts$/, '')).sort());
    for (const name of clientModuleNames())
      expect(script).toContain(`"./${name}": function (exports, require, module)`);
    expect(script).toContain('load("./app").startJobsPage();');
  });

  it('is valid JavaScript that stands alone: it requires client modules only', () => {
    expect(() => new Script(script, { filename: 'jobs-page.js' })).not.toThrow();
    for (const name of clientModuleNames()) {
      for (const required of requiredModules(readCompiledModule(name))) {
        expect(clientModuleNames()).toContain(required.replace(/^\.\//, ''));
      }
    }
  });

  it('refuses a client module that requires anything else (it would fail in the browser)', () => {
    const read = (name: string) => (name === 'a' ? 'const fs = require("node:fs");' : '');
    expect(() => buildPageScript(['a', 'b'], read)).toThrow(/client module a requires node:fs/);
    const parent = (name: string) => (name === 'a' ? 'const x = require("../jobs-page.assets");' : '');
    expect(() => buildPageScript(['a'], parent)).toThrow(/requires \.\.\/jobs-page\.assets/);
  });

  it('puts no markup from strings into the page: no innerHTML, outerHTML, insertAdjacentHTML, document.write or eval', () => {
    for (const { file, code } of clientCode()) {
      expect({
        file,
        sinks: code.match(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/g),
      }).toEqual({
        file,
        sinks: null,
      });
    }
  });

  it('never writes the key to localStorage, a cookie or a URL', () => {
    for (const { file, code } of clientCode()) {
      expect({ file, uses: code.match(/localStorage|document\.cookie|location\.(href|search|hash)\s*=/g) }).toEqual({
        file,
        uses: null,
      });
    }
  });
});
