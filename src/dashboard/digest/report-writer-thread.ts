/**
 * The CSV writer thread with the report's digest as its tap (report-digester.ts says why): it
 * writes the streamed files as the plain writer thread does (metrics/csv-writer-service.ts) and
 * hands each batch's rows, once written, to the record digester (record-digester.ts), then
 * answers for the digests once the files are closed. Questions and options:
 * report-digester-protocol.ts.
 */
import { parentPort } from 'node:worker_threads';
import { serveCsvWriter } from '../../metrics/csv-writer-service.ts';
import type { OpenMessage } from '../../metrics/csv-thread-protocol.ts';
import { createRecordDigester, type RecordDigester } from './record-digester.ts';
import type { DigestQuestion, DigestTap } from './report-digester-protocol.ts';

let digester: RecordDigester | undefined;

serveCsvWriter(parentPort!, {
  open(message: OpenMessage) {
    const { limits } = message.tap as DigestTap;
    const columnsOf = (kind: string): readonly string[] | undefined => message.streams.find((spec) => spec.kind === kind)?.columns;
    const series = columnsOf('series');
    digester = createRecordDigester({
      ids: message.ids,
      mains: message.mains,
      columns: { frames: columnsOf('frames')!, receptions: columnsOf('receptions')!, ...(series && { series }) },
      transmissions: message.transmissions,
      energyStates: message.seriesEnergyStates,
      limits,
    });
    return digester.sink;
  },
  ask(question) {
    const asked = question as DigestQuestion;
    if (!digester) throw new Error('the digest was not started');
    return asked.op === 'series' ? digester.series() : digester.tables(asked.request);
  },
});
