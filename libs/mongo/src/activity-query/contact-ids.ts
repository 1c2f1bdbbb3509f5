import type { Db } from 'mongodb';
import { Collections } from '../collections';

/** At most this many contacts share one identifier; more would make the activity filter's `$in` list unbounded. */
const MAX_CONTACTS_PER_IDENTIFIER = 1_000;

/**
 * Turns `selected_contact` (a cID, an email or any secondary identifier value) into the contact ids whose activities
 * an export reads: the matching contacts' cIDs, plus the value itself (activities may name a contact the contacts
 * collection lacks). The query service builds its export filter from this list, and the gateway's dry run counts
 * with the same one, so both read the same records.
 */
export async function contactIdsOf(db: Db, accountId: string, identifier: string): Promise<string[]> {
  const found = await db
    .collection<{ cID: string }>(Collections.contacts)
    .find(
      { accountId, $or: [{ cID: identifier }, { email: identifier }, { 'secondaryIdentifiers.value': identifier }] },
      { projection: { cID: 1 } },
    )
    .limit(MAX_CONTACTS_PER_IDENTIFIER)
    .toArray();
  return [...new Set([identifier, ...found.map((contact) => contact.cID)])];
}
