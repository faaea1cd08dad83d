import type { NextFunction, Request, Response } from 'express';
import { dashboardAuth } from '../admin/queue-dashboard';
import { TokenVerifier } from './token-verifier';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('TokenVerifier', () => {
  const tokens = new TokenVerifier(['ops-token-1234', 'ci-token-5678']);

  it('accepts any configured token and nothing else', () => {
    expect(tokens.verify('ci-token-5678')).toBe(true);
    expect(tokens.verify('ci-token-567')).toBe(false);
    expect(tokens.open).toBe(false);
    expect(new TokenVerifier([]).open).toBe(true);
  });

  it('reads a bearer token, and a Basic password only where asked', () => {
    expect(TokenVerifier.presented('Bearer abc')).toBe('abc');
    expect(TokenVerifier.presented(basic('ops', 'secret:with:colons'))).toBeNull();
    expect(TokenVerifier.presented(basic('ops', 'secret:with:colons'), true)).toBe('secret:with:colons');
    expect(TokenVerifier.presented(undefined, true)).toBeNull();
  });
});

describe('the queue dashboard behind the API tokens', () => {
  const call = (tokensList: string[], authorization?: string) => {
    const res = { status: jest.fn().mockReturnThis(), json: jest.fn(), setHeader: jest.fn() };
    const next = jest.fn() as NextFunction;
    dashboardAuth(new TokenVerifier(tokensList))({ headers: { authorization } } as Request, res as unknown as Response, next);
    return { res, next };
  };

  it('is open without tokens, and lets a bearer token or a Basic password through', () => {
    expect(call([]).next).toHaveBeenCalled();
    expect(call(['ops-token-1234'], 'Bearer ops-token-1234').next).toHaveBeenCalled();
    expect(call(['ops-token-1234'], basic('anyone', 'ops-token-1234')).next).toHaveBeenCalled();
  });

  it('asks a browser for the token (401 with a Basic challenge) otherwise', () => {
    const { res, next } = call(['ops-token-1234'], basic('anyone', 'wrong'));
    expect(next).not.toHaveBeenCalled();
    expect(res.status).toHaveBeenCalledWith(401);
    expect(res.setHeader).toHaveBeenCalledWith('WWW-Authenticate', expect.stringMatching(/^Basic /));
  });
});
