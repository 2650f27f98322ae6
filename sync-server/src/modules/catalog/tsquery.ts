/**
 * One to_tsquery operand per word (the words come from queryWords in @lyceum/contracts): matched as a prefix ("pyth"
 * finds "Python"), except one-letter words, whose prefix would match nearly everything. Words hold only letters and
 * digits, so the operand is always valid tsquery syntax.
 */
export const wordOperand = (w: string): string => (w.length > 1 ? `${w}:*` : w);
