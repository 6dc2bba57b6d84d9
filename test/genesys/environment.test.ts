// Where credentials may go: Genesys Cloud regions (the SDK's list) and loopback only, anything else behind an option that CI refuses.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProvisionError } from '../../src/model/errors.js';
import { REGION_HOSTS, describeEnvironment, settingsFromEnv } from '../../src/genesys/settings.js';

const credentials = { GENESYS_CLIENT_ID: 'id-1', GENESYS_CLIENT_SECRET: 'secret-1' };

function refusal(run: () => unknown): ProvisionError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ProvisionError, String(error));
    return error;
  }
  assert.fail('expected a refusal');
}

describe('the environment credentials are sent to', () => {
  it("knows exactly the SDK's regions (PureCloudRegionHosts), by name and host", async () => {
    const sdk = (await import('purecloud-platform-client-v2')).default;
    const fromSdk = Object.fromEntries(Object.entries(sdk.PureCloudRegionHosts).map(([region, host]) => [region.replace(/_/g, '-'), host]));
    assert.deepEqual(REGION_HOSTS, fromSdk);
  });

  const loopback = ['http://localhost:8787', 'http://LOCALHOST:8787', 'http://127.0.0.1:8787', 'http://127.42.0.9:8787', 'http://127.1:8787', 'http://[::1]:8787'];
  for (const environment of loopback) {
    it(`accepts the loopback address ${environment} (the sandbox), in CI too`, () => {
      const settings = settingsFromEnv({ ...credentials, CI: 'true' }, environment);
      assert.match(settings.environment, /^http:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\]):8787$/);
      assert.match(describeEnvironment(settings.environment), /^sandbox /);
    });
  }

  const elsewhere = [
    'http://203.0.113.7:8080',
    'http://attacker.example:8080',
    'http://0.0.0.0:8787',
    'http://127.0.0.1.attacker.example:8080',
    'http://localhost.attacker.example:8080',
    'http://10.0.0.5:8787',
    'http://[::ffff:203.0.113.7]:8080',
  ];
  for (const environment of elsewhere) {
    it(`refuses ${environment} from provision.yaml without --allow-custom-environment, naming what is allowed`, () => {
      const error = refusal(() => settingsFromEnv(credentials, environment));
      assert.equal(error.code, 'environment-not-allowed');
      assert.match(error.message, /^environment in provision\.yaml "[^"]+" is neither a Genesys Cloud region nor a loopback address/);
      assert.match(error.hint ?? '', /mypurecloud\.com, mypurecloud\.ie, .*eu-west-1.*http:\/\/localhost:PORT.*--allow-custom-environment/);
      assert.doesNotMatch(`${error.message} ${error.hint}`, /secret-1/);
    });
  }

  it('refuses the same from GENESYS_ENVIRONMENT, naming the variable', () => {
    const error = refusal(() => settingsFromEnv({ ...credentials, GENESYS_ENVIRONMENT: 'http://203.0.113.7:8080' }));
    assert.equal(error.code, 'environment-not-allowed');
    assert.match(error.message, /^GENESYS_ENVIRONMENT "http:\/\/203\.0\.113\.7:8080"/);
  });

  it('accepts another server with --allow-custom-environment outside CI', () => {
    for (const CI of [undefined, '', 'false', '0']) {
      const settings = settingsFromEnv({ ...credentials, CI }, 'http://203.0.113.7:8080', { allowCustomEnvironment: true });
      assert.equal(settings.environment, 'http://203.0.113.7:8080', `CI=${CI}`);
      assert.equal(describeEnvironment(settings.environment), 'custom server http://203.0.113.7:8080');
    }
  });

  it('refuses another server in CI even with --allow-custom-environment', () => {
    for (const CI of ['true', '1', 'TRUE']) {
      const error = refusal(() => settingsFromEnv({ ...credentials, CI }, 'http://203.0.113.7:8080', { allowCustomEnvironment: true }));
      assert.equal(error.code, 'environment-not-allowed', `CI=${CI}`);
      assert.match(error.message, /CI=.*never sends credentials to another server in CI, even with --allow-custom-environment/);
    }
  });

  it('regions stay accepted in CI, by name and by host', () => {
    assert.equal(settingsFromEnv({ ...credentials, CI: 'true' }, 'eu-west-1').environment, 'mypurecloud.ie');
    assert.equal(settingsFromEnv({ ...credentials, CI: 'true' }, 'https://api.usw2.pure.cloud').environment, 'usw2.pure.cloud');
  });
});
