// Settings from the environment: every missing variable named, Terraform's names, regions and hosts, did-you-mean.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { ProvisionError } from '../../src/model/errors.js';
import { describeEnvironment, settingsFromEnv } from '../../src/genesys/settings.js';

const full = { GENESYS_CLIENT_ID: 'id-1', GENESYS_CLIENT_SECRET: 'secret-1', GENESYS_ENVIRONMENT: 'mypurecloud.ie' };

describe('settingsFromEnv', () => {
  const ok: Array<{ name: string; env: NodeJS.ProcessEnv; config?: string; want: { environment: string; clientId: string; clientSecret: string } }> = [
    { name: 'GENESYS_* names', env: full, want: { environment: 'mypurecloud.ie', clientId: 'id-1', clientSecret: 'secret-1' } },
    {
      name: "Terraform's names with a region name",
      env: { GENESYSCLOUD_OAUTHCLIENT_ID: 'tf-id', GENESYSCLOUD_OAUTHCLIENT_SECRET: 'tf-secret', GENESYSCLOUD_REGION: 'eu-west-1' },
      want: { environment: 'mypurecloud.ie', clientId: 'tf-id', clientSecret: 'tf-secret' },
    },
    {
      name: 'region name with underscores, upper case',
      env: { ...full, GENESYS_ENVIRONMENT: 'US_WEST_2' },
      want: { environment: 'usw2.pure.cloud', clientId: 'id-1', clientSecret: 'secret-1' },
    },
    {
      name: 'api host and https URL',
      env: { ...full, GENESYS_ENVIRONMENT: 'https://api.mypurecloud.com.au/' },
      want: { environment: 'mypurecloud.com.au', clientId: 'id-1', clientSecret: 'secret-1' },
    },
    {
      name: 'GENESYS_* wins over GENESYSCLOUD_*',
      env: { ...full, GENESYSCLOUD_OAUTHCLIENT_ID: 'other', GENESYSCLOUD_REGION: 'us-east-1' },
      want: { environment: 'mypurecloud.ie', clientId: 'id-1', clientSecret: 'secret-1' },
    },
    {
      name: 'environment from provision.yaml when the variable is absent',
      env: { GENESYS_CLIENT_ID: 'a', GENESYS_CLIENT_SECRET: 'b' },
      config: 'mypurecloud.de',
      want: { environment: 'mypurecloud.de', clientId: 'a', clientSecret: 'b' },
    },
    {
      name: 'the variable wins over provision.yaml',
      env: full,
      config: 'mypurecloud.de',
      want: { environment: 'mypurecloud.ie', clientId: 'id-1', clientSecret: 'secret-1' },
    },
    {
      name: 'sandbox URL',
      env: { ...full, GENESYS_ENVIRONMENT: 'http://127.0.0.1:8787/' },
      want: { environment: 'http://127.0.0.1:8787', clientId: 'id-1', clientSecret: 'secret-1' },
    },
    {
      name: 'values are trimmed',
      env: { GENESYS_CLIENT_ID: ' id ', GENESYS_CLIENT_SECRET: ' s3cret ', GENESYS_ENVIRONMENT: ' mypurecloud.jp ' },
      want: { environment: 'mypurecloud.jp', clientId: 'id', clientSecret: 's3cret' },
    },
  ];
  for (const c of ok) {
    it(c.name, () => {
      assert.deepEqual(settingsFromEnv(c.env, c.config), c.want);
    });
  }

  const bad: Array<{ name: string; env: NodeJS.ProcessEnv; code: string; mentions: string[]; absent?: string[] }> = [
    { name: 'nothing set', env: {}, code: 'missing-credentials', mentions: ['GENESYS_CLIENT_ID', 'GENESYS_CLIENT_SECRET', 'GENESYS_ENVIRONMENT'] },
    { name: 'secret missing', env: { GENESYS_CLIENT_ID: 'x', GENESYS_ENVIRONMENT: 'mypurecloud.com' }, code: 'missing-credentials', mentions: ['GENESYS_CLIENT_SECRET'], absent: ['GENESYS_CLIENT_ID,'] },
    { name: 'empty values count as missing', env: { GENESYS_CLIENT_ID: '', GENESYS_CLIENT_SECRET: '  ', GENESYS_ENVIRONMENT: 'mypurecloud.com' }, code: 'missing-credentials', mentions: ['GENESYS_CLIENT_ID', 'GENESYS_CLIENT_SECRET'] },
    { name: 'environment missing', env: { GENESYS_CLIENT_ID: 'x', GENESYS_CLIENT_SECRET: 'y' }, code: 'missing-credentials', mentions: ['GENESYS_ENVIRONMENT'] },
    { name: 'typo in host', env: { ...full, GENESYS_ENVIRONMENT: 'mypurecloud.ei' }, code: 'unknown-environment', mentions: ['mypurecloud.ei', 'Did you mean'] },
    { name: 'unknown region', env: { ...full, GENESYSCLOUD_REGION: 'x', GENESYS_ENVIRONMENT: 'mars-north-1' }, code: 'unknown-environment', mentions: ['mars-north-1'] },
    { name: 'URL without port', env: { ...full, GENESYS_ENVIRONMENT: 'http://localhost' }, code: 'unknown-environment', mentions: ['port'] },
  ];
  for (const c of bad) {
    it(`refuses: ${c.name}`, () => {
      try {
        settingsFromEnv(c.env);
        assert.fail('expected an error');
      } catch (error) {
        assert.ok(error instanceof ProvisionError, String(error));
        assert.equal(error.code, c.code);
        assert.ok(error.hint, 'has a hint');
        for (const m of c.mentions) assert.ok(error.message.includes(m), `"${error.message}" mentions ${m}`);
        for (const m of c.absent ?? []) assert.ok(!error.message.includes(m), `"${error.message}" does not mention ${m}`);
      }
    });
  }

  it('hints at the Terraform names', () => {
    assert.throws(() => settingsFromEnv({}), (e: ProvisionError) => (e.hint ?? '').includes('GENESYSCLOUD_OAUTHCLIENT_ID') && (e.hint ?? '').includes('GENESYSCLOUD_REGION'));
  });

  it('maps every SDK region to its host', async () => {
    const sdk = (await import('purecloud-platform-client-v2')).default;
    for (const [region, host] of Object.entries(sdk.PureCloudRegionHosts)) {
      const settings = settingsFromEnv({ ...full, GENESYS_ENVIRONMENT: region.replace(/_/g, '-') });
      assert.equal(settings.environment, host, region);
    }
  });
});

describe('describeEnvironment', () => {
  it('names hosts as they are and the sandbox as such', () => {
    assert.equal(describeEnvironment('mypurecloud.ie'), 'mypurecloud.ie');
    assert.equal(describeEnvironment('http://127.0.0.1:1234'), 'sandbox http://127.0.0.1:1234');
  });
});

describe('weight', () => {
  const probe = (module: string) =>
    spawnSync(process.execPath, ['--import', './dist/test/support/sdk-probe.js', '-e', `import('./dist/src/genesys/${module}.js')`], { encoding: 'utf8' }).stderr;

  it('settings.ts never loads the SDK (light commands import it); index.ts does', () => {
    assert.ok(!probe('settings').includes('SDK-LOADED'));
    assert.ok(probe('index').includes('SDK-LOADED'));
  });
});
