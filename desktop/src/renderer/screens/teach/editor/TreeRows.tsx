import { useState, type DragEvent, type KeyboardEvent, type ReactNode } from 'react';
import { Button } from '../../../components/Button.tsx';
import { Link } from '../../../components/Link.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { useFormat } from '../../../lib/format.ts';
import { InlineRename } from './InlineRename.tsx';

export interface RowDrag {
  onDragStart: (e: DragEvent) => void;
  onDragOver: (e: DragEvent) => void;
  onDrop: (e: DragEvent) => void;
  onDragEnd: () => void;
}

/** Alt+ArrowUp / Alt+ArrowDown on a row (or anything focused in it) moves the row. */
export const altArrows =
  (move: (delta: -1 | 1) => void) =>
  (e: KeyboardEvent): void => {
    if (!e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
    if ((e.target as HTMLElement).tagName === 'INPUT' || (e.target as HTMLElement).tagName === 'SELECT')
      return;
    e.preventDefault();
    e.stopPropagation();
    move(e.key === 'ArrowUp' ? -1 : 1);
  };

interface LessonRowProps {
  courseId: string;
  lesson: { id: string; title: string; kind: string; dueAt: string | null };
  moduleId: string;
  modules: { id: string; title: string }[];
  drag: RowDrag;
  dropping: boolean;
  onRename: (title: string) => void;
  onMoveTo: (moduleId: string) => void;
  onDelete: () => void;
  onMove: (delta: -1 | 1) => void;
}

/** A lesson in the structure: its link to the lesson editor, then rename, move to another module and delete. */
export function LessonRow(p: LessonRowProps) {
  const t = useT();
  const f = useFormat();
  const [mode, setMode] = useState<'view' | 'rename' | 'move'>('view');
  const others = p.modules.filter((m) => m.id !== p.moduleId);
  const [target, setTarget] = useState(others[0]?.id ?? '');
  return (
    <li
      className={`tree-row tree-row--lesson${p.dropping ? ' tree-row--drop' : ''}`}
      data-testid="tree-lesson"
      draggable={mode === 'view'}
      onKeyDown={altArrows(p.onMove)}
      {...p.drag}
    >
      <span className="tree-row__grip" aria-hidden="true">
        ⠿
      </span>
      {mode === 'rename' ? (
        <InlineRename
          label={t('author.tree.lessonTitle')}
          initial={p.lesson.title}
          onSave={(title) => {
            setMode('view');
            p.onRename(title);
          }}
          onCancel={() => setMode('view')}
        />
      ) : (
        <Link
          href={`/teach/${p.courseId}/edit?lesson=${p.lesson.id}`}
          className="tree-row__title"
          data-focus-key={`lesson:${p.lesson.id}`}
          aria-describedby="tree-help"
        >
          {p.lesson.title}
        </Link>
      )}
      <span className="badge">{f.label('kind', p.lesson.kind)}</span>
      {p.lesson.dueAt ? (
        <span className="muted tree-row__due">
          {t('author.tree.due', { when: f.dateTime(p.lesson.dueAt) })}
        </span>
      ) : null}
      {mode === 'move' ? (
        <span className="tree-move">
          <label>
            <span className="visually-hidden">{t('author.tree.moveTarget', { title: p.lesson.title })}</span>
            <select className="field__input" value={target} onChange={(e) => setTarget(e.target.value)}>
              {others.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.title}
                </option>
              ))}
            </select>
          </label>
          <Button
            variant="primary"
            onClick={() => {
              setMode('view');
              if (target) p.onMoveTo(target);
            }}
          >
            {t('author.tree.move')}
          </Button>
          <Button variant="ghost" onClick={() => setMode('view')}>
            {t('common.cancel')}
          </Button>
        </span>
      ) : null}
      {mode === 'view' ? (
        <span className="tree-row__actions">
          <Button
            variant="ghost"
            aria-label={t('author.tree.renameNamed', { title: p.lesson.title })}
            onClick={() => setMode('rename')}
          >
            {t('author.tree.rename')}
          </Button>
          {others.length ? (
            <Button
              variant="ghost"
              aria-label={t('author.tree.moveToNamed', { title: p.lesson.title })}
              onClick={() => {
                setTarget(others[0]!.id);
                setMode('move');
              }}
            >
              {t('author.tree.moveTo')}
            </Button>
          ) : null}
          <Button
            variant="ghost"
            aria-label={t('author.tree.deleteNamed', { title: p.lesson.title })}
            onClick={p.onDelete}
          >
            {t('author.tree.delete')}
          </Button>
        </span>
      ) : null}
    </li>
  );
}

interface ModuleProps {
  module: { id: string; title: string };
  index: number;
  drag: RowDrag;
  dropping: boolean;
  onRename: (title: string) => void;
  onDelete: () => void;
  onMove: (delta: -1 | 1) => void;
  children: ReactNode;
}

/** A module: its heading row (rename, delete, Alt+arrows to move) and its lessons. */
export function ModuleBlock(p: ModuleProps) {
  const t = useT();
  const [renaming, setRenaming] = useState(false);
  const headingId = `tree-module-${p.module.id}`;
  return (
    <li className="tree-module" data-testid="tree-module" aria-labelledby={headingId}>
      <div
        className={`tree-row tree-row--module${p.dropping ? ' tree-row--drop' : ''}`}
        draggable={!renaming}
        onKeyDown={altArrows(p.onMove)}
        {...p.drag}
      >
        <span className="tree-row__grip" aria-hidden="true">
          ⠿
        </span>
        <h3 id={headingId} className="tree-module__title">
          <span className="muted">{t('study.module', { n: p.index + 1 })}</span>{' '}
          {renaming ? null : <span>{p.module.title}</span>}
        </h3>
        {renaming ? (
          <InlineRename
            label={t('author.tree.moduleTitle')}
            initial={p.module.title}
            onSave={(title) => {
              setRenaming(false);
              p.onRename(title);
            }}
            onCancel={() => setRenaming(false)}
          />
        ) : (
          <span className="tree-row__actions">
            <Button
              variant="ghost"
              aria-label={t('author.tree.renameNamed', { title: p.module.title })}
              aria-describedby="tree-help"
              data-focus-key={`module:${p.module.id}`}
              onClick={() => setRenaming(true)}
            >
              {t('author.tree.rename')}
            </Button>
            <Button
              variant="ghost"
              aria-label={t('author.tree.deleteNamed', { title: p.module.title })}
              onClick={p.onDelete}
            >
              {t('author.tree.delete')}
            </Button>
          </span>
        )}
      </div>
      {p.children}
    </li>
  );
}
