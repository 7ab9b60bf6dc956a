import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PlatformError } from '../../src/core/errors.js';
import { inferStage, nextStage, parsePipelineName, parseStage } from '../../src/core/pipeline-stage.js';

test('promotion walks development → staging → production and stops there', () => {
  assert.equal(nextStage('development'), 'staging');
  assert.equal(nextStage('staging'), 'production');
  assert.equal(nextStage('production'), undefined);
  assert.equal(nextStage('review'), undefined);
  assert.equal(nextStage('test'), undefined);
});

test("an app's name suggests its stage as the official CLI guesses it", () => {
  for (const [name, stage] of [['shop-staging', 'staging'], ['shop-stg', 'staging'], ['shop-prod', 'production'], ['shop-production', 'production'], ['shop-dev', 'development'], ['shop', 'development']] as const) {
    assert.equal(inferStage(name), stage, name);
  }
});

test('pipeline names follow Heroku\'s rule and bad ones say the rule', () => {
  for (const good of ['shop', 'a-b', 'abc123', 'a'.repeat(30)]) assert.equal(parsePipelineName(good), good);
  for (const bad of ['ab', 'Shop', '1shop', 'a'.repeat(31), 'shop_x', '', null, 7]) {
    assert.throws(() => parsePipelineName(bad), (err: unknown) => err instanceof PlatformError && err.id === 'invalid_params' && /lower-case letter/.test(err.message), String(bad));
  }
});

test('a stage outside the list is refused naming the valid ones', () => {
  assert.equal(parseStage('review'), 'review');
  assert.throws(() => parseStage('qa'), /stage must be one of test, review, development, staging, production; got "qa"/);
});
