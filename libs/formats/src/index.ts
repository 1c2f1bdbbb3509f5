/** Record formatting: export records, columns and aliases, RFC 4180 CSV, NDJSON, file names, chunk files. */
export * from './chunk-file';
export * from './columns';
export * from './csv';
export * from './export-record';
export * from './file-names';
export * from './ndjson';
export * from './record-formatter';
