// The JSON Schemas editors use: described everywhere, closed to unknown keys, and in agreement with the example files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { parse } from 'yaml';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;
const schemas = ['schemas/users.schema.json', 'schemas/config.schema.json', 'schemas/plan.schema.json'].map((f) => [f, JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>] as const);

type Json = Record<string, unknown>;

function* objectSchemas(node: unknown, where: string): Generator<[string, Json]> {
  if (typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) yield* objectSchemas(item, `${where}/${i}`);
    return;
  }
  const schema = node as Json;
  if (schema.properties) yield [where, schema];
  for (const [key, value] of Object.entries(schema)) yield* objectSchemas(value, `${where}/${key}`);
}

for (const [file, schema] of schemas) {
  test(`${file}: draft 2020-12, every property described, unknown keys refused`, () => {
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    let count = 0;
    for (const [where, object] of objectSchemas(schema, '#')) {
      assert.equal(object.additionalProperties, false, `${where} allows unknown keys`);
      for (const [name, property] of Object.entries(object.properties as Record<string, Json>)) {
        count++;
        const described = typeof property.description === 'string' && property.description.length > 0;
        assert.ok(described, `${where}/properties/${name} has no description`);
      }
    }
    assert.ok(count > 5);
  });
}

test('the example YAML files and provision.yaml validate against the schemas as editors see them', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  addFormats(ajv);
  for (const [, schema] of schemas) ajv.addSchema(schema);
  const users = ajv.getSchema('https://provision.dev/schemas/users.schema.json')!;
  for (const file of readdirSync('users').filter((f) => f.endsWith('.yaml'))) {
    assert.ok(users(parse(readFileSync(`users/${file}`, 'utf8'))), `${file}: ${JSON.stringify(users.errors)}`);
  }
  const config = ajv.getSchema('https://provision.dev/schemas/config.schema.json')!;
  assert.ok(config(parse(readFileSync('provision.yaml', 'utf8'))), JSON.stringify(config.errors));
  assert.equal(users({ users: [{ email: 'a@acme.com', name: 'A', skils: {} }] }), false);
});
