import type { Request } from 'express';
import { actorFrom, clampActor, clientAddressOf } from './audit-event.js';

describe('the audit actor', () => {
  it('keeps real IPv4 and IPv6 addresses, without the IPv4-mapped prefix', () => {
    expect(clientAddressOf('203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddressOf('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(clientAddressOf('2001:db8::1')).toBe('2001:db8::1');
  });

  it('stores no client address when a proxy passed on something that is not one', () => {
    for (const forged of ['x'.repeat(80), 'unknown', '203.0.113.7, 10.0.0.1', '', '::ffff:not-an-address']) {
      expect(clientAddressOf(forged)).toBeNull();
    }
    expect(clientAddressOf(undefined)).toBeNull();
    const request = { ip: `203.0.113.7-${'x'.repeat(68)}`, headers: {} } as unknown as Request;
    expect(actorFrom(request, { username: 'someone' })).toMatchObject({ clientAddress: null, username: 'someone' });
  });

  it('is cut to the widths of its columns', () => {
    const actor = clampActor({ userId: null, username: 'u'.repeat(65), role: 'r'.repeat(201), clientAddress: 'a'.repeat(65), requestId: 'q'.repeat(129) });
    expect(actor).toEqual({ userId: null, username: 'u'.repeat(64), role: 'r'.repeat(200), clientAddress: 'a'.repeat(64), requestId: 'q'.repeat(128) });
    const short = { userId: null, username: 'admin', role: 'admin', clientAddress: '127.0.0.1', requestId: 'r-1' };
    expect(clampActor(short)).toEqual(short);
  });
});
