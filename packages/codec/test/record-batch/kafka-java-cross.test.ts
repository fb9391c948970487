import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMPRESSION_NAMES, encodeRecordBatch } from '../../src/index.js';

/**
 * Kafka's own reader (kafka-clients 4.3.0 MemoryRecords + ensureValid, with the compressor versions it
 * declares) must accept what we write, for every codec. Runs only where a JDK and those jars are in
 * the local Maven repository (the golden-vector generator puts them there); skipped elsewhere.
 */
const M2 = join(homedir(), '.m2', 'repository');
const JARS = [
  'org/apache/kafka/kafka-clients/4.3.0/kafka-clients-4.3.0.jar',
  'at/yawk/lz4/lz4-java/1.10.2/lz4-java-1.10.2.jar',
  'org/xerial/snappy/snappy-java/1.1.10.7/snappy-java-1.1.10.7.jar',
  'com/github/luben/zstd-jni/1.5.6-10/zstd-jni-1.5.6-10.jar',
  'org/slf4j/slf4j-api/2.0.18/slf4j-api-2.0.18.jar',
].map((j) => join(M2, j));

function hasJava(): boolean {
  try {
    execFileSync('javac', ['-version'], { stdio: 'ignore' });
    return JARS.every((j) => existsSync(j));
  } catch {
    return false;
  }
}

const JAVA = `
import java.nio.ByteBuffer;
import java.nio.file.*;
import java.util.HexFormat;
import org.apache.kafka.common.record.internal.*;

public class CheckBatches {
  public static void main(String[] args) throws Exception {
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      String[] p = line.split(" ");
      MemoryRecords records = MemoryRecords.readableRecords(ByteBuffer.wrap(HexFormat.of().parseHex(p[1])));
      StringBuilder out = new StringBuilder(p[0]);
      for (MutableRecordBatch batch : records.batches()) {
        batch.ensureValid();
        out.append(" pid=").append(batch.producerId()).append(" epoch=").append(batch.producerEpoch())
           .append(" seq=").append(batch.baseSequence()).append(" codec=").append(batch.compressionType().name);
        long n = 0, bytes = 0;
        for (org.apache.kafka.common.record.internal.Record r : batch) {
          if (r.offset() != n) throw new IllegalStateException("offset " + r.offset());
          n++;
          bytes += r.valueSize() + r.headers().length;
        }
        out.append(" records=").append(n).append(" bytes=").append(bytes);
      }
      System.out.println(out);
    }
  }
}
`;

const dir = mkdtempSync(join(tmpdir(), 'idem-java-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!hasJava())('Kafka 4.3.0 reads idem-encoded batches', () => {
  it('accepts every codec at 1, 50 and 3000 records (multi-block compressed streams)', {
    timeout: 120_000,
  }, () => {
    const lines: string[] = [];
    const expected: string[] = [];
    for (const compression of COMPRESSION_NAMES) {
      for (const n of [1, 50, 3000]) {
        const records = Array.from({ length: n }, (_, i) => ({
          key: i % 3 === 0 ? null : Buffer.from(`k${i}`),
          value: Buffer.from(`value-${i}-`.repeat(1 + (i % 40))),
          headers: i % 2 === 1 ? [{ key: 'hé', value: Buffer.from('x') }] : [],
          timestamp: 1_700_000_000_000 + i,
        }));
        const bytes = encodeRecordBatch({
          records,
          compression,
          producerId: 77n,
          producerEpoch: 2,
          baseSequence: 10,
        });
        const name = `${compression}/${n}`;
        lines.push(`${name} ${bytes.toString('hex')}`);
        const total = records.reduce((a, r) => a + r.value.length + r.headers.length, 0);
        expected.push(`${name} pid=77 epoch=2 seq=10 codec=${compression} records=${n} bytes=${total}`);
      }
    }
    writeFileSync(join(dir, 'batches.txt'), `${lines.join('\n')}\n`);
    writeFileSync(join(dir, 'CheckBatches.java'), JAVA);
    const cp = JARS.join(':');
    execFileSync('javac', ['-cp', cp, '-d', dir, join(dir, 'CheckBatches.java')]);
    const out = execFileSync('java', ['-cp', `${cp}:${dir}`, 'CheckBatches', join(dir, 'batches.txt')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 1 << 20,
    });
    expect(out.trim().split('\n')).toEqual(expected);
  });
});
