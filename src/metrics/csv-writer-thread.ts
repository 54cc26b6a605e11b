/** The CSV writer thread's entry (csv-writer-service.ts does the work; csv-thread.ts starts it). */
import { parentPort } from 'node:worker_threads';
import { serveCsvWriter } from './csv-writer-service.ts';

serveCsvWriter(parentPort!);
