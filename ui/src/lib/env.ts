// How an environment's name looks: a colour per kind of environment, production in red, so a
// glance at the header tells where tokens go. Presentation only: the engine decides nothing here.

export type EnvTone = 'prod' | 'stage' | 'dev' | 'other';

/** prod / production / live → red; stage / staging / test / qa → amber; dev / local → green. */
export function envTone(name: string): EnvTone {
  const n = name.toLowerCase();
  if (/^(prod|production|live|prd)\b|-prod$|_prod$/.test(n)) return 'prod';
  if (/^(stage|staging|stg|test|testing|qa|uat|preprod)\b/.test(n)) return 'stage';
  if (/^(dev|development|local|localhost|sandbox)\b/.test(n)) return 'dev';
  return 'other';
}
