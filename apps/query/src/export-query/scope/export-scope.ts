import { Inject, Injectable } from '@nestjs/common';
import { ExportRequestedValue } from '@cae/contracts';
import { NonRetriableError } from '@cae/kafka';
import { buildActivityFilter, Collections, Db, MONGO_DB, ResumePoint, snapshotBound } from '@cae/mongo';
import { AudienceMembership } from './audience-membership';
import { audienceRuleToContactFilter } from './audience-rule';
import { ContactResolver } from './contact-resolver';

/** What an export reads: the activity filter, and the audience check applied to the activities it finds. */
export interface ExportScope {
  activityFilter(after?: ResumePoint): Record<string, unknown>;
  audience: AudienceMembership | null;
}

/** Resolves a request's contact and audience into an ExportScope. */
@Injectable()
export class ExportScopeResolver {
  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    private readonly contacts: ContactResolver,
  ) {}

  async resolve({ accountId, filter, createdAt }: ExportRequestedValue): Promise<ExportScope> {
    const contactIds = filter.contact ? await this.contacts.contactIds(accountId, filter.contact) : undefined;
    let audience: AudienceMembership | null = null;
    if (filter.audienceKey) {
      const saved = await this.db.collection(Collections.audiences).findOne({ accountId, key: filter.audienceKey });
      if (!saved)
        throw new NonRetriableError('AUDIENCE_NOT_FOUND', `the audience ${filter.audienceKey} no longer exists`);
      audience = new AudienceMembership(this.db, accountId, audienceRuleToContactFilter(parseRule(saved.rule)));
    }
    const snapshot = snapshotBound(createdAt);
    return { activityFilter: (after) => buildActivityFilter(accountId, filter, contactIds, after, snapshot), audience };
  }
}

/**
 * A rule is stored as an object, or as its JSON text: FerretDB refuses field names starting with `$`, so a rule
 * with operators (`$and`, `$gt`, ...) can only be kept there as a string.
 */
function parseRule(rule: unknown): unknown {
  if (typeof rule !== 'string') return rule;
  try {
    return JSON.parse(rule);
  } catch {
    throw new NonRetriableError('AUDIENCE_RULE_INVALID', 'the audience rule is not valid JSON');
  }
}
