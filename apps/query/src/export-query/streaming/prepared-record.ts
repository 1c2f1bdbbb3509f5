import { Document } from 'mongodb';
import { toExportRecord } from '@cae/formats';

/**
 * An activity ready for the records topic: its place in the export order (time, then _id, as stored) and the JSON
 * text of its exported record. A record is serialised once, as it comes from the database: on the embedded database
 * that happens while the database is still reading (the query service has a core to spare then), and the sort and
 * the batches carry the text, so the merge and the publishing neither decode a document nor serialise a record.
 */
export interface PreparedRecord {
  time: unknown;
  id: unknown;
  json: string;
}

export function prepareRecord(document: Document): PreparedRecord {
  return { time: document.time, id: document._id, json: JSON.stringify(toExportRecord(document)) };
}

export async function* preparedRecords(documents: AsyncIterable<Document>): AsyncGenerator<PreparedRecord> {
  for await (const document of documents) yield prepareRecord(document);
}
