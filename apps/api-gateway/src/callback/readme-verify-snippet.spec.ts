import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..', '..');

/**
 * The README shows the callback verification snippet; docs/examples/verify-callback.js is the file the jobs unit
 * tests and the e2e suite run. They must be the same code, or the README documents code nobody tested.
 */
describe('the README callback verification snippet', () => {
  it('is docs/examples/verify-callback.js, character for character', () => {
    const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
    const tested = readFileSync(resolve(ROOT, 'docs/examples/verify-callback.js'), 'utf8');
    const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((match) => match[1]);
    const snippet = blocks.find((block) => block.includes('function verifyCallback('));
    expect(snippet).toBeDefined();
    expect(tested).toContain(snippet!.trim());
  });
});
