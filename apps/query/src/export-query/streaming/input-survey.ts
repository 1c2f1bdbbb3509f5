import { Document } from 'mongodb';
import { PropertyKeyCollector } from './all-properties';
import { SurveyResult } from './export-survey';

/**
 * The survey of an export that the query service sorts itself (QUERY_SORT=service), taken on the records' way into
 * the sort instead of by a pass of its own: a sort cannot yield its first record before it has read its last, so
 * when the first sorted record comes out (or the sorted read ends empty) the count and the system property keys
 * are final. On the embedded database every pass reads the whole collection, so this halves what an export reads
 * (before, the count or the audience survey was a second full scan beside or before the read).
 */
export class InputSurvey {
  private records = 0;
  private readonly keys?: PropertyKeyCollector;

  constructor(wantKeys: boolean) {
    if (wantKeys) this.keys = new PropertyKeyCollector();
  }

  /** Passes `source` through unchanged, counting its documents and collecting their property keys. */
  async *counted(source: AsyncIterable<Document>): AsyncGenerator<Document> {
    for await (const document of source) {
      this.records += 1;
      this.keys?.add(document.system_properties);
      yield document;
    }
  }

  /** What was surveyed; `before` records of the export were read by an earlier run (a resume). */
  result(before: number): SurveyResult {
    return { totalItems: before + this.records, systemPropertyKeys: this.keys?.sorted() };
  }
}
