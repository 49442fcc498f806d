import { jest } from '@jest/globals';
import { UnauthorizedException } from '@nestjs/common';
import { loadPlatformConfig } from '../../config/src/index.js';
import { TokenService } from './token.service.js';

const TTL_SECONDS = 60;
const CLAIMS = { sub: '5b0f8b52-3c1e-4a43-9a77-0d7a1f7f0d11', sid: 'c0b7a0f1-8f6b-4b2e-9a0e-1f2d3c4b5a69' };

describe('TokenService', () => {
  let tokens: TokenService;

  beforeEach(() => {
    // Both the service and jsonwebtoken read the clock through Date.now, which fake timers move.
    jest.useFakeTimers({ now: new Date('2026-03-01T09:00:00Z'), doNotFake: ['nextTick', 'setImmediate'] });
    tokens = new TokenService(loadPlatformConfig({}, { NODE_ENV: 'test', JWT_SECRET: 'this-platform-secret-that-is-long-enough', JWT_ACCESS_TTL_SECONDS: String(TTL_SECONDS) }));
  });
  afterEach(() => jest.useRealTimers());

  it('accepts its own token, again and again while it lives', () => {
    const token = tokens.signAccess(CLAIMS);
    expect(tokens.verifyAccess(token)).toEqual(CLAIMS);
    jest.advanceTimersByTime((TTL_SECONDS - 1) * 1000);
    expect(tokens.verifyAccess(token)).toEqual(CLAIMS);
  });

  it('refuses a token that expired after it was verified and remembered, with the refresh hint', () => {
    const token = tokens.signAccess(CLAIMS);
    expect(tokens.verifyAccess(token)).toEqual(CLAIMS);
    jest.advanceTimersByTime((TTL_SECONDS + 1) * 1000);
    expect(() => tokens.verifyAccess(token)).toThrow(UnauthorizedException);
    expect(() => tokens.verifyAccess(token)).toThrow(/expired.*refresh/);
  });

  it("refuses a token signed with another platform's key, even one this service has remembered tokens for", () => {
    const other = new TokenService(loadPlatformConfig({}, { NODE_ENV: 'test', JWT_SECRET: 'another-platform-secret-that-is-long-enough' }));
    tokens.verifyAccess(tokens.signAccess(CLAIMS));
    expect(() => tokens.verifyAccess(other.signAccess(CLAIMS))).toThrow('The access token is not valid');
  });
});
