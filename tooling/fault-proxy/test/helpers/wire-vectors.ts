// Kafka 4.3.0's own bytes for the frames the proxy parses (scripts/WireVectors.java writes them).
import { readFileSync } from 'node:fs';

export interface ResponseVector {
  kind: 'response';
  api: string;
  apiKey: number;
  version: number;
  name: string;
  brokers: { nodeId: number; host: string; port: number }[];
  hex: string;
  /** The frame Kafka writes when every broker with nodeId >= 0 moves to 127.0.0.1:(40000 + nodeId). */
  rewrittenHex: string;
}

export interface RequestVector {
  kind: 'request';
  api: string;
  apiKey: number;
  version: number;
  name: string;
  correlationId: number;
  expectsResponse: boolean;
  hex: string;
}

const all = JSON.parse(readFileSync(new URL('../fixtures/wire-vectors.json', import.meta.url), 'utf8')) as (
  | ResponseVector
  | RequestVector
)[];

export const responseVectors = all.filter((v): v is ResponseVector => v.kind === 'response');
export const requestVectors = all.filter((v): v is RequestVector => v.kind === 'request');
