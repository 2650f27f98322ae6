import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { PDFDocumentProxy } from 'pdfjs-dist';
import { Button } from '../Button.tsx';
import { Spinner } from '../Spinner.tsx';
import type { MessageKey } from '../../i18n/catalogues.ts';
import { useT } from '../../i18n/use-t.ts';
import { loadPdf } from './pdf.ts';

type Loaded =
  | { status: 'loading' }
  | { status: 'ready'; doc: PDFDocumentProxy }
  | { status: 'error'; message: MessageKey };

/**
 * Slides (a PDF) drawn in the app with pdf.js, one page at a time, fitted to the width: previous/next buttons, a
 * page number field, and the keyboard (arrows, Page Up/Down, Home/End) while the slide has focus.
 */
export function SlidesViewer({ src, title }: { src: string; title: string }) {
  const t = useT();
  const [state, setState] = useState<Loaded>({ status: 'loading' });
  const [page, setPage] = useState(1);
  const [rendering, setRendering] = useState(false);
  const [width, setWidth] = useState(0);
  const [attempt, setAttempt] = useState(0);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const frameRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let live = true;
    let doc: PDFDocumentProxy | null = null;
    setState({ status: 'loading' });
    setPage(1);
    loadPdf(src).then(
      (d) => {
        doc = d;
        if (live) setState({ status: 'ready', doc: d });
        else void d.destroy();
      },
      (err: unknown) => {
        if (!live) return;
        const offline = err instanceof Error && /503|offline|fetch/i.test(err.message);
        setState({
          status: 'error',
          message: offline ? 'slides.offline' : 'slides.failed',
        });
      },
    );
    return () => {
      live = false;
      void doc?.destroy();
    };
  }, [src, attempt]);

  useEffect(() => {
    const frame = frameRef.current;
    if (!frame) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.floor(entry.contentRect.width));
    });
    observer.observe(frame);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (state.status !== 'ready' || !canvasRef.current || width === 0) return;
    const canvas = canvasRef.current;
    let cancelled = false;
    let task: { cancel: () => void; promise: Promise<void> } | null = null;
    setRendering(true);
    void (async () => {
      try {
        const p = await state.doc.getPage(page);
        if (cancelled) return;
        const base = p.getViewport({ scale: 1 });
        const viewport = p.getViewport({ scale: width / base.width });
        const ratio = window.devicePixelRatio || 1;
        canvas.width = Math.floor(viewport.width * ratio);
        canvas.height = Math.floor(viewport.height * ratio);
        canvas.style.width = `${Math.floor(viewport.width)}px`;
        canvas.style.height = `${Math.floor(viewport.height)}px`;
        task = p.render({
          canvas,
          viewport,
          transform: ratio === 1 ? undefined : [ratio, 0, 0, ratio, 0, 0],
        });
        await task.promise;
        if (!cancelled) canvas.dataset.renderedPage = String(page);
      } catch {
        // A newer page or size cancelled this render.
      } finally {
        if (!cancelled) setRendering(false);
      }
    })();
    return () => {
      cancelled = true;
      task?.cancel();
    };
  }, [state, page, width]);

  const pages = state.status === 'ready' ? state.doc.numPages : 0;
  const go = (n: number) => setPage(Math.min(Math.max(1, n), Math.max(1, pages)));
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const to: Record<string, number> = {
      ArrowRight: page + 1,
      ArrowDown: page + 1,
      PageDown: page + 1,
      ArrowLeft: page - 1,
      ArrowUp: page - 1,
      PageUp: page - 1,
      Home: 1,
      End: pages,
    };
    const n = to[e.key];
    if (n === undefined) return;
    e.preventDefault();
    go(n);
  };

  return (
    <section className="slides" aria-label={t('slides.label', { title })} data-testid="slides">
      <div
        ref={frameRef}
        className="slides__frame"
        tabIndex={0}
        role="group"
        aria-busy={rendering || state.status === 'loading' || undefined}
        aria-label={pages ? t('slides.position', { page, pages }) : t('slides.slides')}
        onKeyDown={onKey}
      >
        {state.status === 'ready' ? (
          <canvas ref={canvasRef} className="slides__canvas" data-testid="slides-canvas" aria-hidden="true" />
        ) : null}
        {state.status === 'loading' ? (
          <div className="slides__overlay">
            <Spinner label={t('slides.opening')} />
          </div>
        ) : null}
        {state.status === 'error' ? (
          <div className="slides__error" role="alert">
            <p>{t(state.message)}</p>
            <Button onClick={() => setAttempt((n) => n + 1)}>{t('common.tryAgain')}</Button>
          </div>
        ) : null}
      </div>
      {state.status === 'ready' ? (
        <div className="slides__controls">
          <Button onClick={() => go(page - 1)} disabled={page <= 1} aria-label={t('slides.previousLabel')}>
            <span aria-hidden="true">←</span> {t('slides.previous')}
          </Button>
          <label className="slides__page">
            <span>{t('slides.slide')}</span>
            <input
              type="number"
              min={1}
              max={pages}
              value={page}
              onChange={(e) => {
                const n = Number(e.target.value);
                if (Number.isInteger(n)) go(n);
              }}
              aria-label={t('slides.number')}
            />
            <span>{t('slides.of', { pages })}</span>
          </label>
          <Button onClick={() => go(page + 1)} disabled={page >= pages} aria-label={t('slides.nextLabel')}>
            {t('slides.next')} <span aria-hidden="true">→</span>
          </Button>
          <span className="visually-hidden" aria-live="polite">
            {t('slides.position', { page, pages })}
          </span>
        </div>
      ) : null}
    </section>
  );
}
