// The provider form's problems, as the engine finds them as the user types (`check_provider`,
// the rules saving applies): no rule lives here, only where each answer is shown.
import type { SpecField, SpecProblem } from './bindings';

export type FieldErrors = Partial<Record<SpecField, string>>;

/** The engine's problems by field, each worded as a sentence; a problem of a field the form
 * does not show (`placed` lacks it) is shown for the form as a whole. */
export function fieldErrors(problems: readonly SpecProblem[], placed: readonly SpecField[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const { field, message } of problems) {
    const at: SpecField = placed.includes(field) ? field : 'form';
    errors[at] = errors[at] ? `${errors[at]} ${sentence(message)}` : sentence(message);
  }
  return errors;
}

/** The engine's words start lower-case (they are also parts of longer messages). */
function sentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

export function hasErrors(errors: FieldErrors): boolean {
  return Object.values(errors).some(Boolean);
}
