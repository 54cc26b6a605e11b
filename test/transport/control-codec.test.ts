import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkControl, controlChunkBytes, createControlAssembler, decodeControlValue, encodeControlValue, MalformedControlError } from '../../src/transport/control-codec.ts';
import { publishPacketBytes } from '../../src/transport/packet-size-guard.ts';
import { createBarrier } from '../../src/transport/barrier.ts';
import { createCoordinatorRemote } from '../../src/transport/remote-partitions.ts';
import { createReplayOutbox } from '../../src/transport/replay-outbox.ts';
import { runTopics } from '../../src/transport/topics.ts';
import { getHeapStatistics } from 'node:v8';
import type { MqttClient } from 'mqtt';

/** A chunk header claiming `count` chunks, with a few bytes of data. */
function claim(stream: number, count: number): Uint8Array {
  const chunk = new Uint8Array(15 + 4);
  const view = new DataView(chunk.buffer);
  chunk[0] = 0x4c;
  chunk[1] = 0x43;
  chunk[2] = 1;
  view.setUint32(3, stream);
  view.setUint32(7, 0);
  view.setUint32(11, count);
  return chunk;
}

describe('control messages between a coordinator and its workers', () => {
  it('carry non-finite numbers, byte arrays and every float64 exactly', () => {
    const value = { a: Number.POSITIVE_INFINITY, b: [Number.NEGATIVE_INFINITY, Number.NaN, 0.1 + 0.2, 5e-324, 1.7976931348623157e308], bytes: new Uint8Array([0, 255, 7]), text: '$n' };
    const back = decodeControlValue(encodeControlValue(value)) as typeof value;
    expect(back.a).toBe(Number.POSITIVE_INFINITY);
    expect(back.b).toEqual([Number.NEGATIVE_INFINITY, Number.NaN, 0.30000000000000004, 5e-324, 1.7976931348623157e308]);
    expect(back.bytes).toEqual(new Uint8Array([0, 255, 7]));
    expect(back.text).toBe('$n');
    fc.assert(fc.property(fc.double(), (x) => Object.is((decodeControlValue(encodeControlValue({ x })) as { x: number }).x, Object.is(x, -0) ? 0 : x)));
  });

  it('decode the same with or without the extensions in a message, an escaped key included', () => {
    const plain = { report: { events: [1, 2.5, -0.125], name: 'a\u0001b' }, seq: 7 };
    expect(decodeControlValue(encodeControlValue(plain))).toEqual(plain);
    // A key spelt with an escape is still the extension it spells.
    expect(decodeControlValue(Buffer.from('{"x":{"\\u0024b":"AP8H"},"y":{"\\u0024n":"NaN"}}'))).toEqual({ x: new Uint8Array([0, 255, 7]), y: Number.NaN });
    expect(decodeControlValue(Buffer.from('{"x":{"$b":"AP8H"}}'))).toEqual({ x: new Uint8Array([0, 255, 7]) });
    // Nested deeper than the decoder recurses: refused as malformed, as before there was a path without a reviver.
    expect(() => decodeControlValue(Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`))).toThrow(MalformedControlError);
  });

  it('are cut into chunks whose PUBLISH packets fit the run\u2019s packet limit, and reassembled in any order', () => {
    const topic = 'swarm/r1/ctl/workers/0123456789abcdef/report';
    const limit = 403;
    const chunkBytes = controlChunkBytes(limit, topic);
    const message = encodeControlValue({ events: Array.from({ length: 300 }, (_, i) => ({ atMs: i * 1.5, node: i })) });
    const chunks = chunkControl(7, message, chunkBytes);
    expect(chunks.length).toBe(Math.ceil(message.length / chunkBytes));
    for (const chunk of chunks) expect(publishPacketBytes(topic, chunk.length, 0)).toBeLessThanOrEqual(limit);
    const assembler = createControlAssembler();
    const shuffled = [...chunks].reverse();
    const results = shuffled.map((chunk) => assembler.add(chunk));
    expect(results.slice(0, -1).every((result) => result === undefined)).toBe(true);
    expect(Buffer.from(results.at(-1)!)).toEqual(Buffer.from(message));
    expect(() => controlChunkBytes(60, topic)).toThrow('leaves no room for control messages');
  });

  it('refuse malformed chunks and bad JSON with MalformedControlError, and bound the memory of unfinished messages', () => {
    const assembler = createControlAssembler(2);
    expect(() => assembler.add(new Uint8Array(3))).toThrow('shorter than the 15-byte header');
    const good = chunkControl(1, encodeControlValue({ ok: true }), 100)[0]!;
    expect(() => assembler.add(Uint8Array.from([0x4c, 0x44, ...good.subarray(2)]))).toThrow('bad magic');
    expect(() => assembler.add(Uint8Array.from([0x4c, 0x43, 9, ...good.subarray(3)]))).toThrow('version 9, expected 1');
    expect(() => decodeControlValue(Buffer.from('{"a":'))).toThrow(MalformedControlError);
    expect(() => decodeControlValue(Uint8Array.from([0xff, 0xfe]))).toThrow('not UTF-8 JSON');
    // Three unfinished messages with room for two: the oldest is forgotten.
    const parts = [1, 2, 3].map((stream) => chunkControl(stream, new Uint8Array(20), 10));
    for (const message of parts) expect(assembler.add(message[0]!)).toBeUndefined();
    expect(assembler.add(parts[0]![1]!)).toBeUndefined();
    expect(assembler.add(parts[2]![1]!)).toEqual(new Uint8Array(20));
  });

  it('cost memory for the bytes a sender really sends, not for the chunk count its headers claim (issue 15, finding 3)', () => {
    const assemblers = Array.from({ length: 8 }, () => createControlAssembler());
    const before = getHeapStatistics().used_heap_size;
    // 8 senders × 8 messages each claiming 2^20 chunks: 64 tiny chunks. Preallocating the
    // claimed parts took 8 MiB a message (512 MiB here).
    for (const assembler of assemblers) for (let stream = 0; stream < 8; stream++) expect(assembler.add(claim(stream, 1 << 20))).toBeUndefined();
    expect(getHeapStatistics().used_heap_size - before).toBeLessThan(16 * 2 ** 20);
    // And the bytes of unfinished messages are bounded too.
    const small = createControlAssembler(16, 1 << 20, 100);
    const chunks = chunkControl(7, new Uint8Array(300), 60);
    expect(small.add(chunks[0]!)).toBeUndefined();
    expect(() => small.add(chunks[1]!)).toThrow('more than 100 bytes of unfinished messages');
  });

  it('keep a coordinator\'s memory flat when a worker credential sends multi-chunk messages from made-up worker ids', () => {
    const published: string[] = [];
    const client = { publish: (topic: string) => void published.push(topic) } as unknown as MqttClient;
    const remote = createCoordinatorRemote(client, runTopics('evil', 20), { partitions: [[10, 11]], scenarioYaml: 'x: 1\n' }, createBarrier(1000), 4096, createReplayOutbox(2), true);
    const before = getHeapStatistics().used_heap_size;
    let sent = 0;
    // Each took an 8 MiB array before (up to 16 per id): 480 MiB here.
    for (let id = 0; id < 20; id++) {
      for (const kind of ['hello', 'report', 'failed']) {
        remote.handle(`workers/w${id}/${kind}`, claim(id, 1 << 20));
        sent++;
      }
    }
    expect(remote.malformed).toBe(sent);
    expect(getHeapStatistics().used_heap_size - before).toBeLessThan(16 * 2 ** 20);
    expect(published).toEqual([]);
  });

  it('either decode or throw MalformedControlError on arbitrary bytes (fuzz)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (bytes, framed) => {
        const assembler = createControlAssembler();
        const input = framed ? Uint8Array.from([0x4c, 0x43, 1, ...bytes]) : bytes;
        try {
          const whole = assembler.add(input);
          if (whole !== undefined) decodeControlValue(whole);
        } catch (error) {
          expect(error).toBeInstanceOf(MalformedControlError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('the worker protocol\u2019s message checks', () => {
  it('answer for any decoded value, without throwing (fuzz), and accept well-formed messages', async () => {
    const { assignProblem, helloProblem, opProblem, reportProblem } = await import('../../src/transport/worker-protocol.ts');
    fc.assert(
      fc.property(fc.anything(), (value) => {
        for (const check of [assignProblem, helloProblem, opProblem, reportProblem]) {
          const problem = check(value);
          expect(problem === undefined || typeof problem === 'string').toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
    expect(helloProblem({ protocol: 4, nodes: 'auto' })).toBeUndefined();
    expect(helloProblem({ protocol: 3, nodes: 'auto' })).toBe('expected protocol 4');
    expect(assignProblem({ protocol: 4, scenario: 'x: 1\n', nodes: '0-9', brokerInRun: false })).toBeUndefined();
    expect(assignProblem({ protocol: 4, scenario: 'x: 1\n', nodes: '0-9' })).toBe('expected a scenario, nodes and brokerInRun');
    expect(assignProblem({ protocol: 4, scenario: 'x: 1\n', nodes: '0-9', brokerInRun: false, model: 'ab'.repeat(32) })).toBeUndefined();
    expect(assignProblem({ protocol: 4, scenario: 'x: 1\n', nodes: '0-9', brokerInRun: false, model: 'zz' })).toBe('expected the model digest as 64 hexadecimal digits');
    expect(assignProblem({ protocol: 4, scenario: 'x: 1\n', nodes: '0-9', brokerInRun: false, task: 'cd'.repeat(32) })).toBeUndefined();
    expect(assignProblem({ protocol: 4, scenario: 'x: 1\n', nodes: '0-9', brokerInRun: false, task: 12 })).toBe('expected the task digest as 64 hexadecimal digits');
    expect(opProblem({ seq: 3, untilMs: 12.5, deliveries: 0, close: false })).toBeUndefined();
    expect(opProblem({ seq: 3, untilMs: -1, deliveries: 0, close: false })).toBe('expected seq, untilMs, deliveries and close');
    expect(opProblem({ seq: 3, untilMs: 12.5, deliveries: 0, close: false, deaths: [[4, 2400000, 2400001]] })).toBeUndefined();
    for (const deaths of [[[4, 2400000]], [[-1, 0, 0]], [[4, Number.NaN, 1]], 'none']) {
      expect(opProblem({ seq: 3, untilMs: 12.5, deliveries: 0, close: false, deaths })).toBe('expected deaths as [node, atMs, knownAtMs]');
    }
    // An application's news (federated rounds: fl/fl-report.ts), of an exchange at or before the op's window end.
    expect(opProblem({ seq: 3, untilMs: 12.5, deliveries: 0, close: false, news: { atMs: 11.5, app: { news: [], table: true } } })).toBeUndefined();
    for (const news of [{ atMs: 13, app: {} }, { atMs: 11.5, app: [1] }, { app: {} }, 'news']) {
      expect(opProblem({ seq: 3, untilMs: 12.5, deliveries: 0, close: false, news })).toBe('expected news as { atMs, app } with atMs at or before untilMs');
    }
    const report = { seq: 1, sentTx: 2, peekMs: null, busy: false, lastEventMs: 5, failure: null, report: { events: [], series: [], samples: [] } };
    expect(reportProblem(report)).toBeUndefined();
    expect(reportProblem({ ...report, peekMs: 'soon' })).toBe('expected peekMs as a time or null');
    expect(reportProblem({ ...report, totals: { events: 1 } })).toBe('expected totals with events and nodes');
    expect(reportProblem({ ...report, report: { ...report.report, app: { parts: [] } } })).toBeUndefined();
    expect(reportProblem({ ...report, report: { ...report.report, app: [1] } })).toBe("expected the application's report as an object");
  });
});
