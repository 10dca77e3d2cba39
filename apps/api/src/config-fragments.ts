import { parseCkuProfile, type CkuProfile } from '@cellar/ckus';
import { secretKeyVariable } from '@cellar/worker-runtime';
import { z } from 'zod';

/** The variables the API and the tenancy worker both read, parsed the same way in both. */

/** Compose files often set a variable to the empty string to mean "unset". */
export const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

/** CELLAR_SECRET_KEY, shared with the other workers. */
export const secretKey = secretKeyVariable;

/** CELLAR_CKU_PROFILE: a JSON object overriding fields of the default (Confluent Cloud) per-CKU profile. */
export const ckuProfileJson = z.string().transform((value, ctx): CkuProfile => {
  try {
    return parseCkuProfile(JSON.parse(value));
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: error instanceof SyntaxError ? 'must be a JSON object' : (error as Error).message });
    return z.NEVER;
  }
});
