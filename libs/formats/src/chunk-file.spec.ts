import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ChunkFile } from './chunk-file';

describe(ChunkFile.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'chunk-file-'));
  const lines = Array.from({ length: 20_000 }, (_, i) => `row-${i},ünï "${i}"\r\n`);

  it.each([false, true])(
    'writes every line and reports the bytes and sha256 of the file (compress=%s)',
    async (compress) => {
      const sut = new ChunkFile(join(dir, `f-${compress}`), compress);
      for (const line of lines) await sut.append(line);
      const summary = await sut.close();
      const onDisk = readFileSync(summary.path);
      expect(summary.bytes).toBe(onDisk.length);
      expect(summary.sha256).toBe(createHash('sha256').update(onDisk).digest('hex'));
      const text = (compress ? gunzipSync(onDisk) : onDisk).toString('utf8');
      expect(text).toBe(lines.join(''));
    },
  );

  it('writes byte-identical gzip for identical input, so a re-staged chunk has the same sha256', async () => {
    const sums = [];
    for (const name of ['a', 'b']) {
      const sut = new ChunkFile(join(dir, name), true);
      for (const line of lines.slice(0, 100)) await sut.append(line);
      sums.push((await sut.close()).sha256);
    }
    expect(sums[0]).toBe(sums[1]);
  });

  it.each([false, true])(
    'reports a full disk as an error of append or close, never a crash (compress=%s)',
    async (compress) => {
      // /dev/full answers every write with ENOSPC, as a full disk would.
      const sut = new ChunkFile('/dev/full', compress);
      const written = (async () => {
        for (const line of lines) await sut.append(line);
        return sut.close();
      })();
      await expect(written).rejects.toMatchObject({ code: 'ENOSPC' });
    },
  );

  it('reports a folder that is gone', async () => {
    const sut = new ChunkFile(join(dir, 'no-such-folder', 'f'), false);
    await expect(
      (async () => {
        await sut.append('x');
        return sut.close();
      })(),
    ).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
