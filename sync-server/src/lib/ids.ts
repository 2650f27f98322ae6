import { uuidv7 } from 'uuidv7';

/** Time-ordered ids for everything the server creates. */
export const newId = (): string => uuidv7();
