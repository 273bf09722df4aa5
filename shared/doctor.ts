/**
 * What `firedrill doctor` reports: one row per prerequisite, with what it saw and how to fix it.
 * Defined once here (PURE, zod only): the sandbox's prerequisite checks produce it, the API contract
 * carries it, the UI renders it.
 */
import { z } from 'zod';

export const doctorCheckIdSchema = z.enum(['docker', 'docker-cli', 'base-image', 'kind', 'kubectl', 'disk', 'memory', 'kubernetes', 'docker-privileged', 'kubernetes-rbac']);

/** A prerequisite's verdict: `warn` does not block a lab, `fail` does. */
export const doctorStatusSchema = z.enum(['pass', 'warn', 'fail']);

export const doctorCheckSchema = z.object({
  id: doctorCheckIdSchema,
  title: z.string(),
  status: doctorStatusSchema,
  detail: z.string(),
  /** One sentence; empty when the check passes. */
  fix: z.string(),
});

export const doctorReportSchema = z.object({
  ok: z.boolean(),
  checks: z.array(doctorCheckSchema),
});

export type DoctorCheckId = z.infer<typeof doctorCheckIdSchema>;
export type DoctorStatus = z.infer<typeof doctorStatusSchema>;
export type DoctorCheck = z.infer<typeof doctorCheckSchema>;
export type DoctorReport = z.infer<typeof doctorReportSchema>;
