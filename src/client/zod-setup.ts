/**
 * Must be imported before anything parses with zod. Zod 4 compiles fast parsers with `new Function`
 * unless told not to; our CSP (script-src 'self', no 'unsafe-eval') forbids that, and even zod's
 * probe for it would be reported as a CSP violation.
 */
import { z } from 'zod';

z.config({ jitless: true });
