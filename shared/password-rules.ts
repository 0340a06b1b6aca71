/**
 * The password lengths, apart from the schemas that enforce them: forms on screen at first paint
 * show them in their hints without downloading zod (the schemas come with the first check).
 */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
