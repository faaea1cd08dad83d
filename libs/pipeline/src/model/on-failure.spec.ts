import { activityOnFailure, isHttpUrl, onFailureProblem } from './on-failure';

describe('onFailure (DESIGN §8.6)', () => {
  it('accepts {webhook: http(s) url} and {component: code}, with an optional noticeType', () => {
    expect(onFailureProblem({ webhook: 'https://example.com/alerts' })).toBeNull();
    expect(onFailureProblem({ webhook: 'http://127.0.0.1:8080/x?y=1' })).toBeNull();
    expect(onFailureProblem({ component: 'alerts.notify', noticeType: 'mail' })).toBeNull();
    // orderlines may give only notice_type: calls nothing, accepted
    expect(onFailureProblem({ noticeType: 'mail' })).toBeNull();
  });

  it('refuses anything else with a clear message', () => {
    expect(onFailureProblem('https://x')).toMatch(/must be an object/);
    expect(onFailureProblem({})).toMatch(/needs one of webhook/);
    expect(onFailureProblem({ webhook: 'https://x.example', component: 'c' })).toMatch(/only one of/);
    expect(onFailureProblem({ webhook: 'ftp://x.example' })).toMatch(/http/);
    expect(onFailureProblem({ component: '' })).toMatch(/non-empty/);
    expect(onFailureProblem({ url: 'https://x.example' })).toMatch(/unknown key/);
    expect(onFailureProblem({ component: 'c', noticeType: 1 })).toMatch(/noticeType/);
  });

  it('reads onFailure or on_failure from an activity', () => {
    expect(activityOnFailure({ onFailure: { component: 'c' } })).toEqual({ component: 'c' });
    expect(activityOnFailure({ on_failure: { webhook: 'https://x.example' } })).toEqual({ webhook: 'https://x.example' });
    expect(activityOnFailure({ on_failure: { webhook: 'nope' } })).toBeUndefined();
    expect(activityOnFailure(undefined)).toBeUndefined();
  });

  it('isHttpUrl', () => {
    expect(isHttpUrl('https://a.b/c')).toBe(true);
    expect(isHttpUrl('mailto:a@b')).toBe(false);
    expect(isHttpUrl('/relative')).toBe(false);
  });
});
