import { MAX_PART_BYTES, MIN_PART_BYTES, multipartPlan } from './s3-part-size';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

describe(multipartPlan.name, () => {
  it('uses 8 MiB parts, two at a time, up to 10,000 parts of them', () => {
    expect(multipartPlan(0)).toEqual({ partSize: MIN_PART_BYTES, queueSize: 2 });
    expect(multipartPlan(10_000 * 8 * MIB)).toEqual({ partSize: 8 * MIB, queueSize: 2 });
  });

  it('grows the parts with the file so that no upload needs more than 10,000 of them', () => {
    for (const bytes of [100 * GIB, 300 * GIB, 500 * GIB, 625 * GIB]) {
      const plan = multipartPlan(bytes)!;
      expect(Math.ceil(bytes / plan.partSize)).toBeLessThanOrEqual(10_000);
      expect(plan.partSize % MIB).toBe(0);
      expect(plan.partSize).toBeLessThanOrEqual(MAX_PART_BYTES);
    }
    expect(multipartPlan(100 * GIB)).toEqual({ partSize: 11 * MIB, queueSize: 2 });
    expect(multipartPlan(500 * GIB)!.queueSize).toBe(1);
  });

  it('refuses, before uploading, a file larger than the largest parts allow', () => {
    expect(multipartPlan(626 * GIB)).toBeNull();
  });
});
