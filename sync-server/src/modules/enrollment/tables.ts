import { pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const enrollments = pgTable(
  'enrollments',
  {
    id: uuid('id').primaryKey(),
    courseId: uuid('course_id').notNull(),
    userId: uuid('user_id').notNull(),
    status: text('status', { enum: ['active', 'completed', 'dropped', 'refunded'] }).notNull(),
    source: text('source', {
      enum: ['self', 'instructor', 'payment', 'purchase', 'coupon', 'voucher'],
    }).notNull(),
    enrolledAt: tstz('enrolled_at').notNull().defaultNow(),
    completedAt: tstz('completed_at'),
    droppedAt: tstz('dropped_at'),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [unique().on(t.courseId, t.userId)],
);
export type EnrollmentRow = typeof enrollments.$inferSelect;
