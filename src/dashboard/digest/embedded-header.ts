/**
 * A digest's answer to a large file's header: the columns the report embeds of it
 * (`embeddedColumns`) that the file has, then the columns the digest reads for its figures.
 */
import { embeddedColumns, type RunFileName } from '../views/run-model.ts';

export interface EmbeddedHeader {
  /** The embedded columns present, in embedding order. */
  readonly kept: string[];
  /** Their cells in the row (0..kept.length-1). */
  readonly keptCells: number[];
  /** The cell of the first of `extra`. */
  readonly at: number;
  /** For each cell asked for, its column index in the file (-1: absent). */
  readonly indexes: number[];
}

export function embeddedHeader(file: RunFileName, columns: readonly string[], extra: readonly string[]): EmbeddedHeader {
  const kept = (embeddedColumns[file] ?? []).filter((column) => columns.includes(column));
  return { kept, keptCells: kept.map((_, k) => k), at: kept.length, indexes: [...kept, ...extra].map((column) => columns.indexOf(column)) };
}
