import { deliversEachChunkAtOnce } from './upload-timing';

describe(deliversEachChunkAtOnce.name, () => {
  it('holds compressed chunked exports until the end and nothing else', () => {
    expect(deliversEachChunkAtOnce({ compressed: false, chunked: true })).toBe(true);
    expect(deliversEachChunkAtOnce({ compressed: true, chunked: true })).toBe(false);
    expect(deliversEachChunkAtOnce({ compressed: true, chunked: false })).toBe(true);
    expect(deliversEachChunkAtOnce({ compressed: false, chunked: false })).toBe(true);
  });
});
