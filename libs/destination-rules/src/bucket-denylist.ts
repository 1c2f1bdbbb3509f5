/**
 * Buckets that destinations may not name: the platform's own, which the service's identity can write to (a GCS
 * upload uses that identity, whatever bucket the request names). Entries are names, or prefixes ending in `*`.
 */
export class BucketDenylist {
  private readonly names = new Set<string>();
  private readonly prefixes: string[] = [];

  constructor(entries: string[]) {
    for (const entry of entries.map((item) => item.trim().toLowerCase()).filter(Boolean)) {
      if (entry.endsWith('*')) this.prefixes.push(entry.slice(0, -1));
      else this.names.add(entry);
    }
  }

  /** The operator's list (comma-separated) plus the buckets the service itself uses. */
  static of(list: string, ownBuckets: string[]): BucketDenylist {
    return new BucketDenylist([...list.split(','), ...ownBuckets]);
  }

  /** From a service's environment (DestinationPolicyEnv): the listed buckets and its own staging and files buckets. */
  static forEnv(env: {
    DESTINATION_BUCKET_DENYLIST: string;
    STAGING_BUCKET: string;
    FILES_BUCKET: string;
  }): BucketDenylist {
    return BucketDenylist.of(env.DESTINATION_BUCKET_DENYLIST, [env.STAGING_BUCKET, env.FILES_BUCKET]);
  }

  denies(bucket: string): boolean {
    const name = bucket.toLowerCase();
    return this.names.has(name) || this.prefixes.some((prefix) => name.startsWith(prefix));
  }
}
