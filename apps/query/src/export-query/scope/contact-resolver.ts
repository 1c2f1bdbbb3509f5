import { Inject, Injectable } from '@nestjs/common';
import { contactIdsOf, Db, MONGO_DB } from '@cae/mongo';

/** Turns `selected_contact` (cID, email or any secondary identifier value) into the contact ids it names. */
@Injectable()
export class ContactResolver {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  /** The matching contacts' cIDs, plus the value itself (activities may name a contact the contacts lack). */
  contactIds(accountId: string, identifier: string): Promise<string[]> {
    return contactIdsOf(this.db, accountId, identifier);
  }
}
