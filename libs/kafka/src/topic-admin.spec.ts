import { topicDurability } from './topic-admin';

describe(topicDurability.name, () => {
  it('keeps three copies on a cluster of three or more, two of them in sync', () => {
    expect(topicDurability(3)).toEqual({ replicationFactor: 3, minInSyncReplicas: 2 });
    expect(topicDurability(9)).toEqual({ replicationFactor: 3, minInSyncReplicas: 2 });
  });

  it('fits a smaller cluster (one broker locally: one copy, one in sync)', () => {
    expect(topicDurability(1)).toEqual({ replicationFactor: 1, minInSyncReplicas: 1 });
    expect(topicDurability(2)).toEqual({ replicationFactor: 2, minInSyncReplicas: 1 });
  });

  it('takes what the operator asks, never more in sync than copies', () => {
    expect(topicDurability(5, { replicationFactor: 5, minInSyncReplicas: 3 })).toEqual({
      replicationFactor: 5,
      minInSyncReplicas: 3,
    });
    expect(topicDurability(1, { minInSyncReplicas: 2 })).toEqual({ replicationFactor: 1, minInSyncReplicas: 1 });
  });
});
