/** What the inference engine counts beside its records (summary.json's `inference.counters`), in a fixed order for the workers' reports. */
export const counterKeys = ['staleMessages', 'unroutable', 'refusedCalls', 'timeouts', 'retries', 'unknownMessages'] as const;

export type EngineCounters = Record<(typeof counterKeys)[number], number>;

export const zeroCounters = (): EngineCounters => ({ staleMessages: 0, unroutable: 0, refusedCalls: 0, timeouts: 0, retries: 0, unknownMessages: 0 });
