import { describe, expect, it } from 'vitest';
import type { ConfigData } from '../../src/core/config.js';
import { resolveTarget, type Target } from '../../src/providers/target.js';

const config: ConfigData = {
  defaultProfile: 'main',
  profiles: {
    main: { provider: 'conduit', key: 'sk-main-key-0001' },
    acct: { provider: 'account-api', baseUrl: 'https://acct.example.com', keyEnv: 'ACCT_JWT' },
    spike: { provider: 'bytespike', baseUrl: 'http://127.0.0.1:9/bytespike', key: 'sk-spike-key-0002' },
  },
};

describe('resolveTarget: flags > environment > profile > defaults', () => {
  it('uses the default profile with the provider default base URL', () => {
    const t = resolveTarget({}, {}, config, '/cfg');
    expect(t.profile).toBe('main');
    expect(t.provider.id).toBe('conduit');
    expect(t.baseUrl.href).toBe('https://conduit.im/');
    expect(t.key).toBe('sk-main-key-0001');
  });

  it('lets TALLY_PROFILE pick and --profile override it', () => {
    expect(resolveTarget({}, { TALLY_PROFILE: 'spike' }, config, '/cfg').profile).toBe('spike');
    expect(resolveTarget({ profile: 'main' }, { TALLY_PROFILE: 'spike' }, config, '/cfg').profile).toBe('main');
  });

  it('lets the environment override the profile, and flags override the environment', () => {
    const env = { TALLY_API_KEY: 'env-key-xxxxxxxx', TALLY_BASE_URL: 'https://env.example.com' };
    const t = resolveTarget({}, env, config, '/cfg');
    expect(t.key).toBe('env-key-xxxxxxxx');
    expect(t.baseUrl.host).toBe('env.example.com');
    expect(resolveTarget({ baseUrl: 'https://flag.example.com' }, env, config, '/cfg').baseUrl.host).toBe('flag.example.com');
  });

  it('works from the environment alone, with no config at all', () => {
    const t = resolveTarget({}, { TALLY_PROVIDER: 'bytespike', TALLY_API_KEY: 'k-123456789012' }, { profiles: {} }, '/cfg');
    expect(t.profile).toBeNull();
    expect(t.baseUrl.href).toBe('https://llm.bytespike.ai/');
  });

  it('never lends a profile key to another provider', () => {
    expect(() => resolveTarget({ provider: 'bytespike' }, {}, config, '/cfg')).toThrow(/no API key for bytespike/);
  });

  it('reads the key from the variable the profile names, and says when it is unset', () => {
    expect(resolveTarget({ profile: 'acct' }, { ACCT_JWT: 'jwt-abcdefghijkl' }, config, '/cfg').key).toBe('jwt-abcdefghijkl');
    expect(() => resolveTarget({ profile: 'acct' }, {}, config, '/cfg')).toThrow(/\$ACCT_JWT, which is not set/);
  });

  it('says where the key and the base URL came from, by the same precedence', () => {
    const sources = (t: Target) => [t.keySource, t.baseUrlSource];
    expect(sources(resolveTarget({}, {}, config, '/cfg'))).toEqual([{ from: 'profile' }, 'default']);
    expect(sources(resolveTarget({ profile: 'spike' }, {}, config, '/cfg'))).toEqual([{ from: 'profile' }, 'profile']);
    expect(sources(resolveTarget({ profile: 'acct' }, { ACCT_JWT: 'jwt-abcdefghijkl' }, config, '/cfg'))).toEqual([
      { from: 'keyEnv', variable: 'ACCT_JWT' },
      'profile',
    ]);
    const env = { TALLY_API_KEY: 'env-key-xxxxxxxx', TALLY_BASE_URL: 'https://env.example.com' };
    expect(sources(resolveTarget({}, env, config, '/cfg'))).toEqual([{ from: 'TALLY_API_KEY' }, 'TALLY_BASE_URL']);
    expect(sources(resolveTarget({ baseUrl: 'https://flag.example.com' }, env, config, '/cfg'))).toEqual([
      { from: 'TALLY_API_KEY' },
      '--base-url',
    ]);
    expect(sources(resolveTarget({ provider: 'bytespike' }, {}, config, '/cfg', false))).toEqual([{ from: 'none' }, 'default']);
  });

  it('fails with usage errors for what is missing or unknown', () => {
    expect(() => resolveTarget({ profile: 'nope' }, {}, config, '/cfg')).toThrow(/no profile named "nope"/);
    expect(() => resolveTarget({}, {}, { profiles: {} }, '/cfg')).toThrow(/no provider chosen/);
    expect(() => resolveTarget({ provider: 'acme' }, {}, { profiles: {} }, '/cfg')).toThrow(/unknown provider "acme"/);
    expect(() => resolveTarget({ provider: 'account-api' }, { TALLY_API_KEY: 'k' }, { profiles: {} }, '/cfg')).toThrow(
      /no default base URL/,
    );
  });
});
