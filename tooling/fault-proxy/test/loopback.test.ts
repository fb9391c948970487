import { describe, expect, it } from 'vitest';
import { startFaultProxy } from '../src/fault-proxy.js';
import { isLoopbackHost, NotLoopbackError, parseHostPort } from '../src/loopback.js';

describe('loopback only', () => {
  it('accepts 127.0.0.0/8, ::1 and localhost', () => {
    for (const host of ['127.0.0.1', '127.255.0.9', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
  });

  it('refuses everything else, names included', () => {
    for (const host of [
      '10.0.0.1',
      '0.0.0.0',
      '128.0.0.1',
      '::',
      '::2',
      'example.com',
      'localhost.evil',
      '::ffff:10.0.0.1',
      '',
    ]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  it('will not dial a non-loopback upstream nor bind a non-loopback address', async () => {
    await expect(startFaultProxy({ upstream: '10.1.2.3:9092' })).rejects.toThrow(NotLoopbackError);
    await expect(startFaultProxy({ upstream: '127.0.0.1:9092', listenHost: '0.0.0.0' })).rejects.toThrow(
      NotLoopbackError,
    );
  });

  it('parses host:port', () => {
    expect(parseHostPort('127.0.0.1:9092')).toEqual({ host: '127.0.0.1', port: 9092 });
    expect(parseHostPort('[::1]:19092')).toEqual({ host: '::1', port: 19_092 });
    expect(() => parseHostPort('127.0.0.1')).toThrow();
    expect(() => parseHostPort('127.0.0.1:0')).toThrow();
    expect(() => parseHostPort('127.0.0.1:70000')).toThrow();
  });
});
