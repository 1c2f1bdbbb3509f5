import { PassThrough, Readable } from 'node:stream';
import type { Response } from 'express';
import { JobFileDocument } from '@cae/mongo';
import { ObjectStorage } from '@cae/storage';
import { GatewayEnv } from '../config/gateway-env';
import { FileDownloadService } from './file-download.service';

const CONTENT = Buffer.from('0123456789abcdefghij'); // 20 bytes
const file: JobFileDocument = {
  _id: 'job:0',
  jobId: 'job',
  accountId: 'acc',
  chunkIndex: 0,
  name: 'daily.csv',
  records: 2,
  bytes: CONTENT.length,
  sha256: 'f'.repeat(64),
  storageKey: 'acc/job/daily.csv',
  deliveredAt: new Date(),
  expiresAt: new Date(Date.now() + 86_400_000),
};

/** Object storage that serves CONTENT, or the asked part of it, as S3 does. */
function setup() {
  const get = jest.fn(async (_bucket: string, _key: string, range?: { start: number; end: number }) => {
    const bytes = range ? CONTENT.subarray(range.start, range.end + 1) : CONTENT;
    return { body: Readable.from([bytes]), bytes: bytes.length };
  });
  const sut = new FileDownloadService({ get } as unknown as ObjectStorage, { FILES_BUCKET: 'files' } as GatewayEnv);
  return { sut, get };
}

/** A response that records its status, headers and body. */
function response() {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  const state = { status: 0, headers: {} as Record<string, string> };
  Object.assign(sink, {
    status: (code: number) => ((state.status = code), sink),
    setHeader: (name: string, value: string) => (state.headers[name] = value),
  });
  return { res: sink as unknown as Response, state, body: () => Buffer.concat(chunks).toString() };
}

describe(FileDownloadService.name, () => {
  it('streams the whole file without a Range, saying that ranges are served', async () => {
    const { sut, get } = setup();
    const { res, state, body } = response();
    await sut.send(file, res);
    expect(get).toHaveBeenCalledWith('files', file.storageKey, undefined);
    expect(state.status).toBe(200);
    expect(state.headers).toMatchObject({ 'Accept-Ranges': 'bytes', ETag: `"${file.sha256}"`, 'Content-Length': '20' });
    expect(state.headers['Content-Range']).toBeUndefined();
    expect(body()).toBe(CONTENT.toString());
  });

  it('reads only the asked range from storage and answers 206 with Content-Range', async () => {
    const { sut, get } = setup();
    const { res, state, body } = response();
    await sut.send(file, res, { range: 'bytes=5-9' });
    expect(get).toHaveBeenCalledWith('files', file.storageKey, { start: 5, end: 9 });
    expect(state.status).toBe(206);
    expect(state.headers).toMatchObject({ 'Content-Range': 'bytes 5-9/20', 'Content-Length': '5' });
    expect(body()).toBe('56789');
  });

  it('serves the last bytes of a suffix range', async () => {
    const { sut } = setup();
    const { res, state, body } = response();
    await sut.send(file, res, { range: 'bytes=-3' });
    expect([state.status, state.headers['Content-Range'], body()]).toEqual([206, 'bytes 17-19/20', 'hij']);
  });

  it('answers 416 with the file’s size for a range past its end, reading nothing', async () => {
    const { sut, get } = setup();
    const { res, state } = response();
    await expect(sut.send(file, res, { range: 'bytes=20-' })).rejects.toMatchObject({
      status: 416,
      response: expect.objectContaining({ code: 'RANGE_NOT_SATISFIABLE' }),
    });
    expect(state.headers['Content-Range']).toBe('bytes */20');
    expect(get).not.toHaveBeenCalled();
  });

  it('answers the whole file to several ranges, and to a range for another version of the file', async () => {
    for (const conditions of [{ range: 'bytes=0-1,5-6' }, { range: 'bytes=0-1', ifRange: '"another"' }]) {
      const { sut, get } = setup();
      const { res, state } = response();
      await sut.send(file, res, conditions);
      expect([state.status, get.mock.calls[0][2]]).toEqual([200, undefined]);
    }
  });

  it('still answers 404 and 410 before looking at the range', async () => {
    const { sut } = setup();
    await expect(sut.send(null, response().res, { range: 'bytes=0-1' })).rejects.toMatchObject({ status: 404 });
    const expired = { ...file, expired: true };
    await expect(sut.send(expired, response().res, { range: 'bytes=99-' })).rejects.toMatchObject({ status: 410 });
  });
});
