import { describe, expect, it } from 'vitest';
import type { SpecProblem } from './bindings';
import { fieldErrors, hasErrors } from './validate';

// Answers as the engine gives them (`check_provider`; its rules are tested in
// crates/oauth-desk-core/src/provider/check.rs and through the real app in the E2E).
const problems: SpecProblem[] = [
  { field: 'name', message: 'invalid provider name "my op": use letters, digits, \'_\', \'.\' and \'-\' (at most 64 characters)' },
  { field: 'client_id', message: 'the client id is empty' },
  { field: 'resources', message: 'the resource "x" is not an absolute URI without a fragment (RFC 8707 §2)' },
];

describe('fieldErrors', () => {
  it('puts each of the engine’s problems at its field, as a sentence', () => {
    const errors = fieldErrors(problems, ['name', 'client_id', 'resources']);
    expect(errors.client_id).toBe('The client id is empty.');
    expect(errors.name).toMatch(/^Invalid provider name "my op": use letters/);
    expect(errors.resources).toMatch(/RFC 8707 §2\)\.$/);
    expect(hasErrors(errors)).toBe(true);
  });
  it('shows a problem of a field the form does not place for the form as a whole', () => {
    const errors = fieldErrors(problems, ['name']);
    expect(errors.client_id).toBeUndefined();
    expect(errors.form).toBe(
      'The client id is empty. The resource "x" is not an absolute URI without a fragment (RFC 8707 §2).',
    );
  });
  it('has nothing to say when the engine has nothing', () => {
    expect(hasErrors(fieldErrors([], ['name']))).toBe(false);
  });
});
