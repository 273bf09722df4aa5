/**
 * A validator diagnostic as an editor shows it (the studio's pack editor, the game file editor):
 * file:line:column, the field, the message. PURE: zod only.
 */
import { z } from 'zod';

export const diagnosticSchema = z.object({
  file: z.string(),
  line: z.number(),
  column: z.number(),
  path: z.string(),
  message: z.string(),
  severity: z.enum(['error', 'warning']),
});

export type DiagnosticView = z.infer<typeof diagnosticSchema>;
