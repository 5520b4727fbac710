import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logProblems } from './server-log.js';

test("the server log's warnings and errors are counted by message and reason", () => {
  const lines = [
    '{"level":30,"msg":"joined"}',
    '{"level":40,"msg":"media failed","reason":"ice-failed","participant":"ab12"}',
    '{"level":40,"msg":"media failed","reason":"ice-failed"}',
    '{"level":60,"msg":"media worker failed","err":{"message":"write EPIPE"}}',
    'not json',
  ];
  assert.deepEqual(logProblems(lines), { 'media failed (ice-failed)': 2, 'media worker failed': 1 });
});
