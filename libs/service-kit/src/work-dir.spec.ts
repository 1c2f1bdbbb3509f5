import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimWorkDir } from './work-dir';

describe(claimWorkDir.name, () => {
  it('gives each process its own folder and clears only what no running process owns', async () => {
    const root = mkdtempSync(join(tmpdir(), 'writer-root-'));
    const running = join(root, `p${process.pid}-aaaa`);
    const gone = join(root, 'p4194305-bbbb'); // above Linux's largest pid: no such process
    mkdirSync(running);
    mkdirSync(gone);
    writeFileSync(join(running, 'open-chunk.part'), 'still being written');
    writeFileSync(join(root, 'legacy.part'), 'from an older layout');

    const first = await claimWorkDir(root);
    const second = await claimWorkDir(root);

    expect(first).not.toBe(second);
    expect(existsSync(join(running, 'open-chunk.part'))).toBe(true);
    expect(existsSync(gone)).toBe(false);
    expect(existsSync(join(root, 'legacy.part'))).toBe(false);
    expect(readdirSync(root).sort()).toEqual(
      [running, first, second].map((path) => path.slice(root.length + 1)).sort(),
    );
  });
});
