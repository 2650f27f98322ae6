import { useEffect, useRef, useState, type DragEvent, type FormEvent } from 'react';
import type { CourseDraftDoc, LessonKind } from '@lyceum/contracts';
import type { DraftEditBody } from '../../../../contracts/authoring.ts';
import { Button } from '../../../components/Button.tsx';
import { UndoToast } from '../../../components/UndoToast.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { useFormat } from '../../../lib/format.ts';
import { lessonDrop, lessonStep, moduleDrop, moduleStep } from './structure-ops.ts';
import { LessonRow, ModuleBlock, type RowDrag } from './TreeRows.tsx';

type Modules = CourseDraftDoc['modules'];
type Dragged = { kind: 'lesson' | 'module'; id: string } | null;
type Pending = { kind: 'lesson' | 'module'; id: string; title: string } | null;

const UNDO_MS = 8000;
const KINDS: LessonKind[] = ['text', 'video', 'slides', 'quiz'];

/**
 * The course's structure: modules and lessons added, renamed, reordered and moved between modules by drag and drop
 * or by keyboard (Alt+ArrowUp/Down on a row, "Move to module…"), deleted with Undo. Moves are announced.
 */
export function StructureTree({
  courseId,
  modules,
  edit,
}: {
  courseId: string;
  modules: Modules;
  edit: (body: DraftEditBody) => Promise<boolean>;
}) {
  const t = useT();
  const f = useFormat();
  const [announce, setAnnounce] = useState('');
  const [pending, setPending] = useState<Pending>(null);
  const [dragged, setDragged] = useState<Dragged>(null);
  const [dropOn, setDropOn] = useState<string | null>(null);
  const [moduleTitle, setModuleTitle] = useState('');
  const focusAfter = useRef<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const pendingRef = useRef<Pending>(null);
  pendingRef.current = pending;

  useEffect(() => {
    const key = focusAfter.current;
    if (!key) return;
    const el = document.querySelector<HTMLElement>(`[data-focus-key="${key}"]`);
    if (el) {
      el.focus();
      focusAfter.current = null;
    }
  });

  /** Send the delete that waited for its Undo (time out, another delete, or leaving the screen). */
  const commitDelete = () => {
    const p = pendingRef.current;
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    pendingRef.current = null;
    setPending(null);
    if (!p) return;
    void edit(
      p.kind === 'lesson'
        ? { name: 'deleteLesson', args: { lessonId: p.id } }
        : { name: 'deleteModule', args: { moduleId: p.id } },
    );
  };
  const commitRef = useRef(commitDelete);
  commitRef.current = commitDelete;
  useEffect(() => () => commitRef.current(), []);

  const remove = (p: NonNullable<Pending>) => {
    commitDelete();
    setPending(p);
    pendingRef.current = p;
    setAnnounce('');
    timer.current = setTimeout(() => commitRef.current(), UNDO_MS);
  };
  const undo = () => {
    const p = pendingRef.current;
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    pendingRef.current = null;
    setPending(null);
    if (p) {
      focusAfter.current = `${p.kind}:${p.id}`;
      setAnnounce(t('author.tree.restored', { title: p.title }));
    }
  };

  const shown: Modules = modules
    .filter((m) => !(pending?.kind === 'module' && pending.id === m.id))
    .map((m) => ({
      ...m,
      lessons: m.lessons.filter((l) => !(pending?.kind === 'lesson' && pending.id === l.id)),
    }));

  const moveLesson = async (lessonId: string, moduleId: string, position: number) => {
    const lesson = modules.flatMap((m) => m.lessons).find((l) => l.id === lessonId);
    const target = modules.findIndex((m) => m.id === moduleId);
    focusAfter.current = `lesson:${lessonId}`;
    if (await edit({ name: 'moveLesson', args: { lessonId, moduleId, position } })) {
      focusAfter.current = `lesson:${lessonId}`;
      const count = (modules[target]?.lessons.filter((l) => l.id !== lessonId).length ?? 0) + 1;
      setAnnounce(
        t('author.tree.lessonMoved', {
          title: lesson?.title ?? '',
          position: position + 1,
          count,
          module: modules[target]?.title ?? '',
        }),
      );
    }
  };
  const moveModule = async (moduleId: string, position: number) => {
    const m = modules.find((x) => x.id === moduleId);
    focusAfter.current = `module:${moduleId}`;
    if (await edit({ name: 'moveModule', args: { moduleId, position } })) {
      focusAfter.current = `module:${moduleId}`;
      setAnnounce(
        t('author.tree.moduleMoved', {
          title: m?.title ?? '',
          position: position + 1,
          count: modules.length,
        }),
      );
    }
  };

  const drag = (kind: 'lesson' | 'module', id: string, drop: () => void, key: string): RowDrag => ({
    onDragStart: (e: DragEvent) => {
      e.stopPropagation();
      e.dataTransfer.effectAllowed = 'move';
      e.dataTransfer.setData('text/plain', id);
      setDragged({ kind, id });
    },
    onDragOver: (e: DragEvent) => {
      if (!dragged || (dragged.kind === 'module' && kind !== 'module')) return;
      e.preventDefault();
      e.stopPropagation();
      setDropOn(key);
    },
    onDrop: (e: DragEvent) => {
      if (!dragged) return;
      e.preventDefault();
      e.stopPropagation();
      setDropOn(null);
      drop();
      setDragged(null);
    },
    onDragEnd: () => {
      setDragged(null);
      setDropOn(null);
    },
  });

  const addModule = async (e: FormEvent) => {
    e.preventDefault();
    const title = moduleTitle.trim();
    if (!title) return;
    const moduleId = crypto.randomUUID();
    if (await edit({ name: 'addModule', args: { moduleId, title } })) {
      setModuleTitle('');
      setAnnounce(t('author.tree.moduleAdded', { title }));
    }
  };

  return (
    <section className="tree" aria-labelledby="tree-title">
      <h2 id="tree-title">{t('author.tree.title')}</h2>
      <p id="tree-help" className="muted tree__help">
        {t('author.tree.help')}
      </p>
      <p className="visually-hidden" aria-live="polite" data-testid="tree-announce">
        {announce}
      </p>
      {shown.length === 0 ? <p className="muted">{t('author.tree.empty')}</p> : null}
      <ol className="tree__modules">
        {shown.map((m, mi) => (
          <ModuleBlock
            key={m.id}
            module={{ id: m.id!, title: m.title }}
            index={mi}
            dropping={dropOn === `module:${m.id}`}
            drag={drag(
              'module',
              m.id!,
              () => {
                if (dragged?.kind === 'module' && dragged.id !== m.id)
                  void moveModule(dragged.id, moduleDrop(modules, dragged.id, m.id!));
                else if (dragged?.kind === 'lesson')
                  void moveLesson(dragged.id, m.id!, lessonDrop(modules, dragged.id, m.id!, null));
              },
              `module:${m.id}`,
            )}
            onRename={(title) => {
              focusAfter.current = `module:${m.id}`;
              void edit({ name: 'updateModule', args: { moduleId: m.id!, title } });
            }}
            onDelete={() => remove({ kind: 'module', id: m.id!, title: m.title })}
            onMove={(delta) => {
              const to = moduleStep(modules, m.id!, delta);
              if (to === null) setAnnounce(t(delta < 0 ? 'author.tree.atTop' : 'author.tree.atBottom'));
              else void moveModule(m.id!, to);
            }}
          >
            <ol className="tree__lessons" aria-label={t('author.tree.lessonsOf', { title: m.title })}>
              {m.lessons.map((l) => (
                <LessonRow
                  key={l.id}
                  courseId={courseId}
                  lesson={{ id: l.id!, title: l.title, kind: l.kind, dueAt: l.dueAt ?? null }}
                  moduleId={m.id!}
                  modules={shown.map((x) => ({ id: x.id!, title: x.title }))}
                  dropping={dropOn === `lesson:${l.id}`}
                  drag={drag(
                    'lesson',
                    l.id!,
                    () => {
                      if (dragged?.kind === 'lesson' && dragged.id !== l.id)
                        void moveLesson(dragged.id, m.id!, lessonDrop(modules, dragged.id, m.id!, l.id!));
                    },
                    `lesson:${l.id}`,
                  )}
                  onRename={(title) => {
                    focusAfter.current = `lesson:${l.id}`;
                    void edit({ name: 'updateLesson', args: { lessonId: l.id!, patch: { title } } });
                  }}
                  onMoveTo={(moduleId) =>
                    void moveLesson(l.id!, moduleId, lessonDrop(modules, l.id!, moduleId, null))
                  }
                  onDelete={() => remove({ kind: 'lesson', id: l.id!, title: l.title })}
                  onMove={(delta) => {
                    const to = lessonStep(modules, l.id!, delta);
                    if (!to) setAnnounce(t(delta < 0 ? 'author.tree.atTop' : 'author.tree.atBottom'));
                    else void moveLesson(l.id!, to.moduleId, to.position);
                  }}
                />
              ))}
            </ol>
            <AddLesson
              moduleTitle={m.title}
              onAdd={async (title, kind) => {
                const id = crypto.randomUUID();
                const ok = await edit({
                  name: 'addLesson',
                  args: {
                    moduleId: m.id!,
                    lesson: { id, title, kind, ...(kind === 'quiz' ? { quiz: {} } : {}) },
                  },
                });
                if (ok) setAnnounce(t('author.tree.lessonAdded', { title, kind: f.label('kind', kind) }));
                return ok;
              }}
            />
          </ModuleBlock>
        ))}
      </ol>
      <form className="tree-add" onSubmit={(e) => void addModule(e)}>
        <label className="field">
          <span className="field__label">{t('author.tree.newModule')}</span>
          <input
            className="field__input"
            value={moduleTitle}
            maxLength={200}
            onChange={(e) => setModuleTitle(e.target.value)}
          />
        </label>
        <Button type="submit">{t('author.tree.addModule')}</Button>
      </form>
      <UndoToast
        message={pending ? t('author.tree.deleted', { title: pending.title }) : null}
        onUndo={undo}
      />
    </section>
  );
}

function AddLesson({
  moduleTitle,
  onAdd,
}: {
  moduleTitle: string;
  onAdd: (title: string, kind: LessonKind) => Promise<boolean>;
}) {
  const t = useT();
  const f = useFormat();
  const [title, setTitle] = useState('');
  const [kind, setKind] = useState<LessonKind>('text');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (title.trim() && (await onAdd(title.trim(), kind))) setTitle('');
  };
  return (
    <form
      className="tree-add tree-add--lesson"
      aria-label={t('author.tree.addLessonTo', { title: moduleTitle })}
      onSubmit={(e) => void submit(e)}
    >
      <label className="field">
        <span className="field__label">{t('author.tree.newLesson')}</span>
        <input
          className="field__input"
          value={title}
          maxLength={200}
          onChange={(e) => setTitle(e.target.value)}
        />
      </label>
      <label className="field">
        <span className="field__label">{t('author.tree.kind')}</span>
        <select className="field__input" value={kind} onChange={(e) => setKind(e.target.value as LessonKind)}>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {f.label('kind', k)}
            </option>
          ))}
        </select>
      </label>
      <Button type="submit">{t('author.tree.addLesson')}</Button>
    </form>
  );
}
