import { Collections, Db } from '@cae/mongo';

/**
 * Decides which activities belong to contacts of an audience, a group at a time: one contacts query per group of
 * activities, with the group's cIDs, so no list of the audience's members is ever built in memory.
 */
export class AudienceMembership {
  constructor(
    private readonly db: Db,
    private readonly accountId: string,
    private readonly contactFilter: Record<string, unknown>,
  ) {}

  async keep<T extends Record<string, unknown>>(activities: T[]): Promise<T[]> {
    const ids = [
      ...new Set(activities.map((activity) => activity['cID']).filter((id): id is string => typeof id === 'string')),
    ];
    if (ids.length === 0) return [];
    const members = await this.db
      .collection<{ cID: string }>(Collections.contacts)
      .find(
        { $and: [{ accountId: this.accountId }, { cID: { $in: ids } }, this.contactFilter] },
        { projection: { cID: 1 } },
      )
      .toArray();
    const memberIds = new Set(members.map((member) => member.cID));
    return activities.filter((activity) => memberIds.has(activity['cID'] as string));
  }
}

/** Yields the documents of a cursor in order, dropping those `keep` rejects, checked a group at a time. */
export async function* filteredInGroups<T>(
  source: AsyncIterable<T>,
  keep: ((group: T[]) => Promise<T[]>) | null,
  groupSize = 500,
): AsyncGenerator<T> {
  if (!keep) {
    yield* source;
    return;
  }
  let group: T[] = [];
  for await (const item of source) {
    group.push(item);
    if (group.length >= groupSize) {
      yield* await keep(group);
      group = [];
    }
  }
  if (group.length > 0) yield* await keep(group);
}
