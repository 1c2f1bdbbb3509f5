import { Collection } from 'mongodb';
import { filteredInGroups } from '../scope/audience-membership';
import { PropertyKeyCollector } from './all-properties';
import { ExportScope } from '../scope/export-scope';
import { throwIfLeaseLost } from '../scheduling/lease-keeper';

export interface SurveyResult {
  totalItems: number;
  /** Sorted system property keys of the matching records (only when `showAllProperties`). */
  systemPropertyKeys?: string[];
}

/** True when counting needs a pass over the records (an audience filter, or `showAllProperties`' keys). */
export function surveyNeedsPass(scope: ExportScope, wantKeys: boolean): boolean {
  return Boolean(scope.audience) || wantKeys;
}

/**
 * Counts the records of an export that needs a pass over them (an audience, or `showAllProperties` needing the
 * property keys): one streaming pass over the matching activities, reading only `cID` and `system_properties`, in
 * bounded memory. A plain count is taken beside the read (see BackgroundCount). When the query service sorts
 * (QUERY_SORT=service), neither is used: the records are surveyed on their way into the sort (see InputSurvey).
 */
export async function surveyExport(
  activities: Collection,
  scope: ExportScope,
  wantKeys: boolean,
  lease?: AbortSignal,
): Promise<SurveyResult> {
  const cursor = activities
    .find(scope.activityFilter(), { projection: { cID: 1, system_properties: 1 } })
    .batchSize(1_000);
  const closeOnLoss = () => void cursor.close().catch(() => undefined);
  lease?.addEventListener('abort', closeOnLoss);
  const keys = new PropertyKeyCollector();
  let totalItems = 0;
  try {
    const audience = scope.audience;
    for await (const document of filteredInGroups(cursor, audience ? (group) => audience.keep(group) : null)) {
      throwIfLeaseLost(lease);
      totalItems += 1;
      if (wantKeys) keys.add(document.system_properties);
    }
  } catch (error) {
    throwIfLeaseLost(lease); // the cursor was closed under the read because the lease was lost
    throw error;
  } finally {
    lease?.removeEventListener('abort', closeOnLoss);
    await cursor.close();
  }
  throwIfLeaseLost(lease);
  return { totalItems, systemPropertyKeys: wantKeys ? keys.sorted() : undefined };
}
