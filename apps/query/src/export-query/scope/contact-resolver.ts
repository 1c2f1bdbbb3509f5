import { Inject, Injectable } from '@nestjs/common';
import { Collections, Db, MONGO_DB } from '@cae/mongo';

/** Turns `selected_contact` (cID, email or any secondary identifier value) into the contact ids it names. */
@Injectable()
export class ContactResolver {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  /** The matching contacts' cIDs, plus the value itself (activities may name a contact the contacts lack). */
  async contactIds(accountId: string, identifier: string): Promise<string[]> {
    const found = await this.db
      .collection<{ cID: string }>(Collections.contacts)
      .find(
        { accountId, $or: [{ cID: identifier }, { email: identifier }, { 'secondaryIdentifiers.value': identifier }] },
        { projection: { cID: 1 } },
      )
      .limit(1_000)
      .toArray();
    return [...new Set([identifier, ...found.map((contact) => contact.cID)])];
  }
}
