import { ObjectId } from 'mongodb';
import { CUSTOM_ACTIONS, ExportFilter, STANDARD_ACTIONS } from '@cae/contracts';

export interface ResumePoint {
  time: Date;
  id: ObjectId;
}

/**
 * The MongoDB filter of an export: every condition ANDed, always scoped to the account. The query service reads
 * through it and the gateway's dry run counts through it, so a dry run counts exactly the records an export reads.
 * Timeframe bounds are both inclusive. `custom` selects every action that is not a standard one.
 * `contactIds` (from `selected_contact`) restricts to those contacts; an empty list matches nothing.
 * `after` resumes strictly after a record in the export order (time, _id).
 * `snapshotBefore` keeps the activities stored before the export's snapshot (see snapshotBound).
 */
export function buildActivityFilter(
  accountId: string,
  filter: ExportFilter,
  contactIds?: string[],
  after?: ResumePoint,
  snapshotBefore?: ObjectId,
): Record<string, unknown> {
  const and: Record<string, unknown>[] = [{ accountId }];
  if (snapshotBefore) and.push({ _id: { $lt: snapshotBefore } });
  if (filter.timeframeStart || filter.timeframeEnd) {
    and.push({
      time: {
        ...(filter.timeframeStart ? { $gte: new Date(filter.timeframeStart) } : {}),
        ...(filter.timeframeEnd ? { $lte: new Date(filter.timeframeEnd) } : {}),
      },
    });
  }
  if (filter.actions && filter.actions.length > 0) and.push(actionCondition(filter.actions));
  if (filter.messageType === 'batch') and.push({ bmID: { $exists: true } });
  if (filter.messageType === 'automation') and.push({ mdtID: { $exists: true } });
  if (filter.messageId) and.push({ $or: [{ bmID: filter.messageId }, { mdtID: filter.messageId }] });
  if (contactIds) and.push({ cID: { $in: contactIds } });
  if (after) and.push({ $or: [{ time: { $gt: after.time } }, { time: after.time, _id: { $gt: after.id } }] });
  return { $and: and };
}

/**
 * The snapshot an export reads: the activities stored up to the end of the second it was requested in, as their
 * _id tells (an ObjectId starts with the second it was created in). Activities stored later are left out, even
 * inside the export's time window, so a re-read after a crash sees the same activities as the first read.
 */
export function snapshotBound(requestedAt: string | Date): ObjectId {
  return ObjectId.createFromTime(Math.floor(new Date(requestedAt).getTime() / 1000) + 1);
}

function actionCondition(actions: string[]): Record<string, unknown> {
  const standard = actions.filter((action) => action !== CUSTOM_ACTIONS);
  if (!actions.includes(CUSTOM_ACTIONS)) return { action: { $in: standard } };
  const custom = { action: { $nin: [...STANDARD_ACTIONS] } };
  return standard.length > 0 ? { $or: [{ action: { $in: standard } }, custom] } : custom;
}

/** The export order: by time, then by _id so records with the same time keep one stable order. */
export const EXPORT_SORT = { time: 1, _id: 1 } as const;
