import {
  ConflictList,
  ConflictResolved,
  DraftCreated,
  DraftEditAccepted,
  DraftList,
  DraftView,
  PublishAccepted,
  type ConflictResolveBody,
  type DraftDetails,
  type DraftEditBody,
} from '../../contracts/authoring.ts';
import { call } from './api.ts';

const enc = encodeURIComponent;
const draftPath = (courseId: string) => `/api/teach/drafts/${enc(courseId)}`;

/** Course authoring in Teach: the local API keeps drafts on this device and syncs their edits (works offline). */
export const authoringApi = {
  drafts: () => call(DraftList, 'GET', '/api/teach/drafts'),
  create: (details: DraftDetails) => call(DraftCreated, 'POST', '/api/teach/drafts', { details }),
  draft: (courseId: string) => call(DraftView, 'GET', draftPath(courseId)),
  /** One edit of the draft (the core fills the course id and the base version). */
  edit: (courseId: string, body: DraftEditBody) =>
    call(DraftEditAccepted, 'POST', `${draftPath(courseId)}/edits`, body),
  publish: (courseId: string) => call(PublishAccepted, 'POST', `${draftPath(courseId)}/publish`),
  unpublish: (courseId: string) => call(PublishAccepted, 'POST', `${draftPath(courseId)}/unpublish`),
  archive: (courseId: string) => call(PublishAccepted, 'POST', `${draftPath(courseId)}/archive`),
  conflicts: () => call(ConflictList, 'GET', '/api/teach/conflicts'),
  resolve: (courseId: string, conflictId: string, body: ConflictResolveBody) =>
    call(ConflictResolved, 'POST', `${draftPath(courseId)}/conflicts/${enc(conflictId)}/resolve`, body),
};
