// idem's events in the kafkajs logger (`new Kafka({ logLevel, logCreator })`), at the levels a kafkajs user reads:
// kafkajs logs a failed produce attempt at ERROR and retries it; idem retries per batch and logs that at WARN, an
// epoch bump at WARN, data loss and fatal errors at ERROR, producer ids at DEBUG as kafkajs does.
import type { ProducerEngine } from '@idem/core';
import type { Logger } from 'kafkajs';

/** Subscribes `log` to the engine's events; returns the function that unsubscribes. */
export function logEngineEvents(engine: ProducerEngine, log: Logger): () => void {
  let ids = 0;
  const stops = [
    engine.on('producerId', ({ producerId, epoch }) => {
      const extra = { producerId: producerId.toString(), producerEpoch: epoch };
      if (ids++ === 0) log.debug('Initialized producer id & epoch', extra);
      else log.info('Initialized a new producer id (the epoch was exhausted)', extra);
    }),
    engine.on('retry', (e) => {
      log.warn(`Retrying batch: ${e.reason}`, {
        topic: e.topic,
        partition: e.partition,
        baseSequence: e.baseSequence,
        retryCount: e.attempt,
        possiblyPersisted: e.possiblyPersisted,
      });
    }),
    engine.on('epochBump', (e) => {
      log.warn('Bumped the producer epoch to close a sequence gap', {
        producerId: e.producerId.toString(),
        producerEpoch: e.epoch,
        previousEpoch: e.previousEpoch,
        partitions: e.partitions.map((p) => `${p.topic}-${p.partition}`),
      });
    }),
    engine.on('dataLoss', (e) => {
      log.error(`Data loss on ${e.topic}-${e.partition}: ${e.detail}`, {
        topic: e.topic,
        partition: e.partition,
        reason: e.reason,
        kafkaCode: e.kafkaCode,
      });
    }),
    engine.on('lateAck', (e) => {
      log.warn('A batch reported as possibly persisted was written after all', {
        topic: e.topic,
        partition: e.partition,
        baseSequence: e.baseSequence,
        recordCount: e.recordCount,
        offset: e.offset.toString(),
      });
    }),
    engine.on('error', ({ error, fatal }) => {
      log.error(fatal ? `Fatal producer error: ${error.message}` : error.message, {
        code: error.code,
        fatal,
        retriable: error.retriable,
      });
    }),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
