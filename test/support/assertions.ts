import assert from 'node:assert/strict';
import { RolebarError } from '../../electron/core/domain/errors.js';

/** Awaits `promise`, expecting it to fail with a RolebarError of `code`; returns that error for more checks. */
export async function expectFailure(promise: Promise<unknown>, code: string): Promise<RolebarError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof RolebarError, `expected a RolebarError, got ${String(error)}`);
    assert.equal(error.code, code, error.toUserString());
    return error;
  }
  assert.fail(`expected ${code}`);
}
