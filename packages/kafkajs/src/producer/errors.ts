// Errors of the kafkajs adapter itself; every one is an idem error (code, retriable, possiblyPersisted).
import { IdemError } from '@idem/core';

/** A kafkajs feature this producer does not offer (transactions, the request queue size event). */
export class UnsupportedFeatureError extends IdemError {
  /** What was asked for, e.g. 'transaction()'. */
  readonly feature: string;

  constructor(feature: string, detail: string) {
    super('ERR_UNSUPPORTED', `@idem/kafkajs does not support ${feature}: ${detail}`);
    this.feature = feature;
  }
}
