// What a kafkajs user reads in kafka.logger() when the producer retries, bumps its epoch, loses data or fails
// (issue 11): each engine event at the level packages/kafkajs/src/producer/logging.ts documents.
import {
  InvalidRecordError,
  type ProducerEngine,
  type ProducerEventName,
  type ProducerEvents,
} from '@idem/core';
import type { Logger } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { logEngineEvents } from '../src/producer/logging.js';

type Level = 'debug' | 'info' | 'warn' | 'error';

/** The engine's `on` only: the listeners the logger subscribes, callable by event name. */
function fakeEngine() {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const engine = {
    on(name: string, listener: (payload: unknown) => void) {
      const set = listeners.get(name) ?? new Set();
      set.add(listener);
      listeners.set(name, set);
      return () => set.delete(listener);
    },
  } as unknown as ProducerEngine;
  const emit = <E extends ProducerEventName>(name: E, payload: ProducerEvents[E]) => {
    for (const listener of listeners.get(name) ?? []) listener(payload);
  };
  return { engine, emit, count: () => [...listeners.values()].reduce((n, s) => n + s.size, 0) };
}

function recordingLogger() {
  const lines: { level: Level; message: string; extra: Record<string, unknown> }[] = [];
  const at =
    (level: Level) =>
    (message: string, extra: Record<string, unknown> = {}) =>
      lines.push({ level, message, extra });
  const log = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    namespace: () => log,
    setLogLevel: () => {},
  } as unknown as Logger;
  return { log, lines };
}

describe('engine events in the kafkajs logger', () => {
  it('producer ids at DEBUG then INFO, epoch bumps and late acks at WARN, data loss and fatal errors at ERROR', () => {
    const { engine, emit } = fakeEngine();
    const { log, lines } = recordingLogger();
    logEngineEvents(engine, log);
    emit('producerId', { producerId: 7n, epoch: 0 });
    emit('epochBump', {
      producerId: 7n,
      epoch: 1,
      previousEpoch: 0,
      partitions: [{ topic: 't', partition: 2 }],
    });
    emit('dataLoss', {
      topic: 't',
      partition: 2,
      reason: 'unknownProducerId',
      kafkaCode: 59,
      detail: 'the log lost the producer state',
    });
    emit('lateAck', { topic: 't', partition: 2, baseSequence: 4, recordCount: 3, offset: 40n });
    emit('error', { error: new InvalidRecordError('record.value', 'too big'), fatal: true });
    emit('producerId', { producerId: 8n, epoch: 0 });
    expect(lines.map((l) => [l.level, l.message.split(':')[0]])).toEqual([
      ['debug', 'Initialized producer id & epoch'],
      ['warn', 'Bumped the producer epoch to close a sequence gap'],
      ['error', 'Data loss on t-2'],
      ['warn', 'A batch reported as possibly persisted was written after all'],
      ['error', 'Fatal producer error'],
      ['info', 'Initialized a new producer id (the epoch was exhausted)'],
    ]);
    // The fields a log reader filters on, as strings where kafkajs logs strings (no bigint in JSON logs).
    expect(lines[1]!.extra).toEqual({
      producerId: '7',
      producerEpoch: 1,
      previousEpoch: 0,
      partitions: ['t-2'],
    });
    expect(lines[2]!.extra).toMatchObject({ reason: 'unknownProducerId', kafkaCode: 59 });
    expect(lines[3]!.extra).toMatchObject({ offset: '40', recordCount: 3 });
    expect(lines[4]!.extra).toMatchObject({ fatal: true });
  });

  it('stops logging once unsubscribed', () => {
    const { engine, emit, count } = fakeEngine();
    const { log, lines } = recordingLogger();
    const stop = logEngineEvents(engine, log);
    expect(count()).toBeGreaterThan(0);
    stop();
    expect(count()).toBe(0);
    emit('producerId', { producerId: 1n, epoch: 0 });
    expect(lines).toEqual([]);
  });
});
