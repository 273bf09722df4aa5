/**
 * A reviewer's overrides, as events in their own append-only log beside the learner's (`reviews.jsonl` in the
 * session folder, written by the same EventLog). The learner's events.jsonl and the saved report are never edited:
 * a review added later leaves the learner's record (and whatever vouches for it) as it was, and travels in the
 * session bundle next to it. The last override of a criterion wins; `points: null` returns it to automatic.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { reviewPartSchema, type Criterion, type Report, type ReviewPart, type ScoreView } from '../../shared/api/contract.js';
import { EventLog, readEvents, type Clock } from '../engine/events/event-log.js';

export const REVIEWS_FILE = 'reviews.jsonl';

/** One line of reviews.jsonl: the definition (an imported bundle's lines are checked against it). */
export const reviewEventSchema = z.object({
  seq: z.number().int().positive(),
  id: z.string().max(64),
  time: z.string().max(64),
  mono: z.number().finite(),
  type: z.literal('review.override'),
  part: reviewPartSchema,
  criterionId: z.string().max(200),
  /** The reviewed points, or null to return the criterion to its automatic points. */
  points: z.number().finite().nullable(),
  note: z.string().max(10_000),
  reviewer: z.string().max(200),
});

export type ReviewEvent = z.infer<typeof reviewEventSchema>;
export type ReviewPayload = Omit<ReviewEvent, 'seq' | 'id' | 'time' | 'mono'>;

export function appendReview(dir: string, payload: Omit<ReviewPayload, 'type'>, clock?: Clock): ReviewEvent {
  const log = new EventLog<ReviewPayload>(join(dir, REVIEWS_FILE), clock);
  try {
    return log.append({ type: 'review.override', ...payload });
  } finally {
    log.close();
  }
}

export function readReviews(dir: string): ReviewEvent[] {
  const file = join(dir, REVIEWS_FILE);
  if (!existsSync(file)) return [];
  return readEvents<ReviewEvent>(file).events.filter((e) => e.type === 'review.override');
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

/** The score with the last override of each criterion beside its automatic points, and the reviewed total. */
export function applyReviews(score: ScoreView | null, reviews: readonly ReviewEvent[], part: ReviewPart): ScoreView | null {
  if (!score) return null;
  const last = new Map<string, ReviewEvent>();
  for (const r of reviews) if (r.part === part) last.set(r.criterionId, r);
  const criteria = score.criteria.map(({ review: _stale, ...c }): Criterion => {
    const r = last.get(c.id);
    return r && r.points !== null ? { ...c, review: { points: r.points, note: r.note, reviewer: r.reviewer, time: r.time } } : c;
  });
  const { reviewedScore: _old, ...automatic } = score;
  if (!criteria.some((c) => c.review)) return { ...automatic, criteria };
  const delta = criteria.reduce((a, c) => a + (c.review ? c.review.points - c.points : 0), 0);
  return { ...automatic, criteria, reviewedScore: round1(Math.min(score.max, Math.max(0, score.score + delta))) };
}

export function reviewedReport(report: Report, reviews: readonly ReviewEvent[]): Report {
  return {
    ...report,
    troubleshooting: applyReviews(report.troubleshooting, reviews, 'troubleshooting'),
    postmortem: applyReviews(report.postmortem, reviews, 'postmortem'),
  };
}

/** Why an override cannot apply to this report, or null. Points stay within what the criterion can hold. */
export function overrideProblem(report: Report, part: ReviewPart, criterionId: string, points: number | null): string | null {
  const score = report[part];
  if (!score) return `the ${part} has not been scored yet`;
  const criterion = score.criteria.find((c) => c.id === criterionId);
  if (!criterion) return `no ${part} criterion "${criterionId}" (criteria: ${score.criteria.map((c) => c.id).join(', ')})`;
  if (points === null) return null;
  if (!Number.isFinite(points)) return 'points must be a number';
  const low = Math.min(0, criterion.points);
  const high = Math.max(0, criterion.max);
  if (points < low || points > high) return `points for "${criterionId}" must be between ${low} and ${high}`;
  return null;
}
